// Lists obey the same rules as single reads: for random policies, people and Post rows, the rows
// `wherePermitted` selects on the database under test are exactly the rows `ability.can` allows
// in memory. A few fixed examples below pin the semantics that are easiest to get wrong.
//
// A failure prints the policy files, the person, the action and each row decided differently.
// To replay a failure, pass the seed and path fast-check prints:
//   POLICY_DIFF_SEED=<seed> POLICY_DIFF_PATH=<path> npx mocha test/integration/policy-sql.test.ts
import { expect } from 'chai';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { buildPolicySet } from '../../src/policy/build-policy-set.js';
import { actionsOf } from '../../src/policy/catalogue.js';
import { asSubject, CompiledPolicy, type AppAbility } from '../../src/policy/compile.js';
import { permittedCondition, wherePermitted, type ColumnMap } from '../../src/policy/sql-filter.js';
import { createWorld, type World } from '../support/world.js';
import { policyArb, policyFiles, postArb, userArb, type GenPost, type GenUser } from './policy-sql/arbitraries.js';

const TABLE = 'policy_diff_posts';
const COLUMNS: ColumnMap = {
  spaceId: { column: `${TABLE}.space_id`, kind: 'text' },
  classification: { column: `${TABLE}.classification`, kind: 'text' },
  authorId: { column: `${TABLE}.author_id`, kind: 'text', nullable: true },
  mentions: { column: `${TABLE}.mentions`, kind: 'list' },
  topics: { column: `${TABLE}.topics`, kind: 'list', nullable: true },
};
const POST_ACTIONS = actionsOf('Post');
const MAX_POSTS_PER_POLICY = 100;
const USERS_PER_POLICY = 4;

/** Policies per run: 100 × 4 people × 9 actions × about 50 rows ≈ 180,000 decisions. */
const RUNS = positiveInteger('POLICY_DIFF_RUNS', 100);

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

function replayParameters(): { seed?: number; path?: string } {
  const seed = process.env.POLICY_DIFF_SEED;
  if (seed === undefined || seed === '') return {};
  if (!/^-?\d+$/.test(seed)) throw new Error(`POLICY_DIFF_SEED: expected an integer, got ${JSON.stringify(seed)}`);
  return { seed: Number(seed), ...(process.env.POLICY_DIFF_PATH ? { path: process.env.POLICY_DIFF_PATH } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Deciding both ways

async function loadPosts(knex: Knex, posts: readonly GenPost[]): Promise<void> {
  await knex.raw(`TRUNCATE ${TABLE}`);
  if (posts.length === 0) return;
  const rows = posts.map((p, i) => ({ id: i + 1, space_id: p.spaceId, classification: p.classification, author_id: p.authorId, mentions: [...p.mentions], topics: p.topics && [...p.topics] }));
  await knex(TABLE).insert(rows);
}

async function idsBySql(knex: Knex, ability: AppAbility, action: string): Promise<number[]> {
  const rows = (await wherePermitted(knex(TABLE).select('id').orderBy('id'), ability, action, 'Post', COLUMNS)) as { id: number }[];
  return rows.map((r) => r.id);
}

/**
 * The in-memory decision on a row. SQL NULL is null here; CASL must decide a field that is null
 * exactly as one that is absent (both are "unequal to everything"), so both are asked.
 */
function decideInMemory(ability: AppAbility, action: string, post: GenPost): boolean {
  const withNull = { ...post };
  const withAbsent = Object.fromEntries(Object.entries(post).filter(([, v]) => v !== null));
  const a = ability.can(action, asSubject('Post', withNull) as never);
  const b = ability.can(action, asSubject('Post', withAbsent) as never);
  if (a !== b) throw new Error(`CASL decides ${action} differently for a null field (${a}) and an absent one (${b}): ${JSON.stringify(post)}`);
  return a;
}

function idsInMemory(ability: AppAbility, action: string, posts: readonly GenPost[]): number[] {
  return posts.flatMap((p, i) => (decideInMemory(ability, action, p) ? [i + 1] : []));
}

function compile(files: Record<string, string>): CompiledPolicy {
  const built = buildPolicySet(files);
  if (!built.ok) throw new Error(`policy does not build:\n${built.problems.map((p) => `  ${p.file}:${p.line}:${p.column} ${p.message}`).join('\n')}`);
  return new CompiledPolicy(built.set);
}

function describeDisagreement(args: { files: Record<string, string>; user: GenUser; roles: readonly string[]; action: string; posts: readonly GenPost[]; sql: ReadonlySet<number>; memory: ReadonlySet<number>; ability: AppAbility }): string {
  const { files, user, roles, action, posts, sql, memory, ability } = args;
  const verdict = (yes: boolean) => (yes ? 'allows' : 'denies');
  const differing = posts.flatMap((p, i) => (sql.has(i + 1) === memory.has(i + 1) ? [] : [`  row ${i + 1}: SQL ${verdict(sql.has(i + 1))}, memory ${verdict(memory.has(i + 1))}: ${JSON.stringify(p)}`]));
  const condition = permittedCondition(ability, action, 'Post', COLUMNS);
  return [
    `SQL and memory disagree on "${action}" Post`,
    `person: ${JSON.stringify(user)} (roles: ${roles.join(', ') || 'none'})`,
    ...differing,
    `SQL condition: ${condition.sql}`,
    `bindings: ${JSON.stringify(condition.bindings)}`,
    ...Object.entries(files).flatMap(([name, text]) => [`--- ${name}`, text.trimEnd()]),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

describe('policy: SQL filter and in-memory decisions agree', function () {
  let world: World;
  let knex: Knex;
  before(async function () {
    world = await createWorld();
    knex = (await world.start()).db.knex;
    await knex.raw(`
      CREATE TABLE ${TABLE} (
        id             int  PRIMARY KEY,
        space_id       text NOT NULL,
        classification text NOT NULL,
        author_id      text,
        mentions       text[] NOT NULL,
        topics         text[]
      )`);
  });
  after(async function () {
    await world.stop();
  });

  it('on random policies, people and rows (every Post action)', async function () {
    this.timeout(Math.max(120_000, RUNS * 500)); // runs take ~0.1 s; leave room for shrinking a failure
    const stats = { generated: 0, valid: 0, combinations: 0, decisions: 0, allowed: 0, rejected: [] as string[] };
    const property = fc.asyncProperty(
      policyArb,
      fc.array(userArb, { minLength: USERS_PER_POLICY, maxLength: USERS_PER_POLICY }),
      // 1 to 100 rows (about 50 on average), so that shrinking can drop the rows a failure does not need.
      fc.array(postArb, { minLength: 1, maxLength: MAX_POSTS_PER_POLICY, size: 'max' }),
      async (policy, users, posts) => {
        stats.generated++;
        const files = policyFiles(policy);
        const built = buildPolicySet(files);
        if (!built.ok) {
          if (stats.rejected.length < 3) stats.rejected.push(`${built.problems.map((p) => p.message).join('; ')}\n${Object.values(files).join('\n')}`);
          return;
        }
        stats.valid++;
        const compiled = new CompiledPolicy(built.set);
        await loadPosts(knex, posts);
        for (const user of users) {
          const principal = compiled.principal(user);
          const ability = compiled.abilityFor(principal);
          stats.combinations++;
          for (const action of POST_ACTIONS) {
            const sql = new Set(await idsBySql(knex, ability, action));
            const memory = new Set(idsInMemory(ability, action, posts));
            stats.decisions += posts.length;
            stats.allowed += memory.size;
            if (sql.size !== memory.size || [...sql].some((id) => !memory.has(id))) {
              throw new Error(describeDisagreement({ files, user, roles: principal.roles, action, posts, sql, memory, ability }));
            }
          }
        }
      },
    );
    await fc.assert(property, { numRuns: RUNS, ...replayParameters() });

    process.stderr.write(`      ${stats.valid}/${stats.generated} policies valid, ${stats.combinations} policy × person, ${stats.decisions} decisions (${stats.allowed} allowed)\n`);
    expect(stats.valid / stats.generated, `most generated policies must be valid; rejected for example:\n${stats.rejected.join('\n\n')}`).to.be.at.least(0.95);
    expect(stats.combinations).to.be.at.least(Math.min(300, RUNS * USERS_PER_POLICY * 0.95));
    expect(stats.decisions).to.be.at.least(Math.min(1000, RUNS * USERS_PER_POLICY * POST_ACTIONS.length));
    // Guard against a generator that only ever denies (or only allows): both must be common.
    expect(stats.allowed / stats.decisions).to.be.within(0.1, 0.9);
  });

  describe('fixed examples', function () {
    const directory = `
roles:
  everyone: { members: everyone }
  apollo: { members: { groups: [G-Apollo] } }
spaces:
  open:
    title: Open to all
    classification: internal
    read: { roles: [everyone] }
  apollo:
    title: Project Apollo
    classification: confidential
    read: { roles: [apollo] }
`;
    // Row ids are positions + 1. Row 5 lies in a space no policy knows.
    const posts: GenPost[] = [
      { spaceId: 'open', classification: 'internal', authorId: 'u1', mentions: ['u2'], topics: ['t1'] },
      { spaceId: 'open', classification: 'internal', authorId: 'u2', mentions: [], topics: null },
      { spaceId: 'open', classification: 'public', authorId: null, mentions: ['u1', 'u3'], topics: ['t2', 't3'] },
      { spaceId: 'apollo', classification: 'confidential', authorId: 'u1', mentions: ['u1'], topics: ['t1'] },
      { spaceId: 'elsewhere', classification: 'internal', authorId: 'u3', mentions: [], topics: ['t3'] },
    ];
    const member: GenUser = { id: 'u1', groups: ['G-Apollo'] };
    const outsider: GenUser = { id: 'u3', groups: [] };

    /** The rows SQL selects and the rows memory allows, which must be the same. */
    async function decide(rules: string, user: GenUser, action: string): Promise<{ ids: number[]; condition: string }> {
      const compiled = compile({ 'directory.yaml': directory, ...(rules ? { 'rules.yaml': rules } : {}) });
      const ability = compiled.abilityFor(compiled.principal(user));
      await loadPosts(knex, posts);
      const sql = await idsBySql(knex, ability, action);
      expect(sql, 'SQL vs memory').to.deep.equal(idsInMemory(ability, action, posts));
      return { ids: sql, condition: permittedCondition(ability, action, 'Post', COLUMNS).sql };
    }

    it('no rule allows the action: zero rows (the condition is FALSE, never "no filter")', async function () {
      const r = await decide('', member, 'export');
      expect(r.condition).to.equal('(FALSE)');
      expect(r.ids).to.deep.equal([]);
    });

    it('an allow without conditions: every row (the condition is TRUE)', async function () {
      const r = await decide('rules:\n  - { role: everyone, allow: update, subject: Post }\n', member, 'update');
      expect(r.condition).to.equal('(TRUE)');
      expect(r.ids).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('equality on a list field means "contains"', async function () {
      const r = await decide('rules:\n  - { role: everyone, allow: update, subject: Post, when: { mentions: $user.id } }\n', member, 'update');
      expect(r.ids).to.deep.equal([3, 4]);
    });

    it('oneOf on a list field means "shares an element"; noneOf lets a NULL list through', async function () {
      const rules = `
rules:
  - { role: everyone, allow: update, subject: Post, when: { topics: { oneOf: [t1, t3] } } }
  - { role: everyone, allow: delete, subject: Post, when: { topics: { noneOf: [t1] } } }
`;
      expect((await decide(rules, member, 'update')).ids).to.deep.equal([1, 3, 4, 5]);
      expect((await decide(rules, member, 'delete')).ids).to.deep.equal([2, 3, 5]);
    });

    it('a deny beats an allow, whichever comes first in the file', async function () {
      const rules = `
rules:
  - role: everyone
    deny: update
    subject: Post
    when: { classification: internal }
    because: Internal posts are frozen
  - { role: everyone, allow: update, subject: Post }
`;
      expect((await decide(rules, member, 'update')).ids).to.deep.equal([3, 4]);
    });

    it('confidential guard: outside the read list, no rows of a confidential space, whatever a rule allows', async function () {
      const rules = 'rules:\n  - { role: everyone, allow: [read, update], subject: Post }\n';
      expect((await decide(rules, outsider, 'read')).ids).to.deep.equal([1, 2, 3, 5]);
      expect((await decide(rules, outsider, 'update')).ids).to.deep.equal([1, 2, 3, 5]);
      expect((await decide(rules, member, 'read')).ids).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('a deny on a nullable field does not hide the rows where the field is NULL', async function () {
      const rules = `
rules:
  - { role: everyone, allow: [update, delete], subject: Post }
  - { role: everyone, deny: update, subject: Post, when: { authorId: u2 }, because: Not while u2 is away }
  - { role: everyone, deny: delete, subject: Post, when: { authorId: { oneOf: [u2] } }, because: Not while u2 is away }
`;
      // Row 3 has no author: "authorId is u2" is false for it, so the deny does not apply.
      expect((await decide(rules, outsider, 'update')).ids).to.deep.equal([1, 3, 5]);
      expect((await decide(rules, outsider, 'delete')).ids).to.deep.equal([1, 3, 5]);
    });

    it('a deny shared by every allowed space is written once, outside the OR of the spaces', async function () {
      const rules = `
rules:
  - { role: everyone, allow: update, subject: Post, when: { spaceId: open } }
  - { role: everyone, allow: update, subject: Post, when: { spaceId: apollo } }
  - { role: everyone, allow: update, subject: Post, when: { authorId: $user.id } }
  - { role: everyone, deny: update, subject: Post, when: { classification: public }, because: Public posts are final }
`;
      const r = await decide(rules, member, 'update');
      expect(r.ids).to.deep.equal([1, 2, 4]);
      // Columns are bound as ?? placeholders: one NOT for the deny, one IN list for both spaces.
      expect(r.condition.match(/NOT \(/g), r.condition).to.have.length(1);
      expect(r.condition).to.include('?? IN (?, ?)');
    });

    it('keeps its grouping when a query adds conditions of its own (two allows make an OR)', async function () {
      const rules = `
rules:
  - { role: everyone, allow: update, subject: Post, when: { classification: public } }
  - { role: everyone, allow: update, subject: Post, when: { authorId: $user.id } }
`;
      const r = await decide(rules, member, 'update');
      expect(r.ids).to.deep.equal([1, 3, 4]);
      // Asking for one row must give that row or nothing, never another the OR let through.
      const compiled = compile({ 'directory.yaml': directory, 'rules.yaml': rules });
      const ability = compiled.abilityFor(compiled.principal(member));
      for (const id of [1, 2, 3, 4, 5]) {
        const rows = (await wherePermitted(knex(TABLE).select('id').where('id', id), ability, 'update', 'Post', COLUMNS)) as { id: number }[];
        expect(rows.map((row) => row.id), `row ${id}`).to.deep.equal(r.ids.includes(id) ? [id] : []);
      }
    });

    it('translates once per ability and query: the same condition object, frozen, for every request', function () {
      const compiled = compile({ 'directory.yaml': directory });
      const ability = compiled.abilityFor(compiled.principal(member));
      const first = permittedCondition(ability, 'read', 'Post', COLUMNS);
      expect(permittedCondition(ability, 'read', 'Post', COLUMNS)).to.equal(first);
      expect(Object.isFrozen(first.bindings)).to.equal(true);
      expect(permittedCondition(ability, 'update', 'Post', COLUMNS).sql).to.equal('(FALSE)');
      const outsiderRead = permittedCondition(compiled.abilityFor(compiled.principal(outsider)), 'read', 'Post', COLUMNS);
      expect(outsiderRead).to.not.equal(first);
      expect(outsiderRead.sql).to.not.equal(first.sql);
    });
  });
});
