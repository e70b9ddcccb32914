// fast-check generators for the SQL-vs-memory differential test: small random policy folders
// (roles, spaces, rules on Post) that pass buildPolicySet's checks by construction, people, and
// Post records with NULLs. Names come from small pools so that rules, records and people meet.
import fc from 'fast-check';
import YAML from 'yaml';
import { actionsOf, CLASSIFICATIONS, fieldsOf } from '../../../src/policy/catalogue.js';

export const GROUPS = ['G1', 'G2', 'G3', 'G4', 'G5'] as const;
export const USERS = ['u1', 'u2', 'u3', 'u4'] as const;
/** s1..s4 are defined in every generated policy; s5 is a space no policy knows. */
export const SPACE_IDS = ['s1', 's2', 's3', 's4'] as const;
export const RECORD_SPACE_IDS = [...SPACE_IDS, 's5'] as const;
const ROLES = ['everyone', 'r1', 'r2', 'r3'] as const;
const POST_ACTIONS = actionsOf('Post');
const POST_FIELDS = Object.keys(fieldsOf('Post'));
/** Topics share names with groups and users, so that $user.groups and $user.id can meet them. */
const TOPICS = ['t1', 't2', 'G1', 'G2', 'u1'] as const;

// ---------------------------------------------------------------------------------------------
// Policies

export interface GenAccess {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
}

export interface GenSpace {
  readonly id: string;
  readonly classification: string;
  readonly read: GenAccess;
  readonly post: GenAccess | undefined;
  readonly moderate: GenAccess | undefined;
}

export interface GenRole {
  readonly name: string;
  readonly groups: readonly string[];
  readonly users: readonly string[];
}

/** A condition exactly as it is written in YAML. */
export type GenCondition = string | { readonly not: string } | { readonly oneOf: readonly string[] | '$user.groups' } | { readonly noneOf: readonly string[] | '$user.groups' };

export interface GenRule {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly effect: 'allow' | 'deny';
  /** 'manage' or a list of Post actions. */
  readonly actions: 'manage' | readonly string[];
  readonly when: Readonly<Record<string, GenCondition>> | undefined;
}

export interface GenPolicy {
  readonly roles: readonly GenRole[];
  readonly spaces: readonly GenSpace[];
  readonly rules: readonly GenRule[];
}

const nonEmptySub = <T>(items: readonly T[]) => fc.subarray([...items], { minLength: 1 });

const roleArb: (name: string) => fc.Arbitrary<GenRole> = (name) =>
  fc.record({ groups: nonEmptySub(GROUPS), users: fc.subarray([...USERS], { maxLength: 1 }) }).map((m) => ({ name, ...m }));

/** A read list (never empty), and post/moderate lists drawn from it: posting implies reading. */
const spaceArb = (id: string): fc.Arbitrary<GenSpace> =>
  fc
    .record({ roles: fc.subarray([...ROLES]), groups: fc.subarray([...GROUPS]) })
    .filter((read) => read.roles.length + read.groups.length > 0)
    .chain((read) => {
      const within = fc
        .record({ roles: fc.subarray(read.roles), groups: fc.subarray(read.groups) })
        .filter((l) => l.roles.length + l.groups.length > 0);
      return fc.record({
        id: fc.constant(id),
        classification: fc.constantFrom(...CLASSIFICATIONS),
        read: fc.constant(read),
        post: fc.option(within, { nil: undefined }),
        moderate: fc.option(within, { nil: undefined }),
      });
    });

/** Values a field's conditions test, besides $user references. */
const FIELD_VALUES: Record<string, readonly string[]> = {
  spaceId: RECORD_SPACE_IDS,
  classification: CLASSIFICATIONS,
  authorId: USERS,
  mentions: USERS,
  topics: TOPICS,
};

function conditionArb(field: string): fc.Arbitrary<GenCondition> {
  const values = FIELD_VALUES[field]!;
  // A space a condition names must be defined (buildPolicySet refuses others, even $user.id
  // as an equality), and lists are non-empty: both are typos that would disable a deny.
  const onSpace = field === 'spaceId';
  const literals = onSpace ? SPACE_IDS : values;
  const scalar = (equality: boolean) => {
    const choices: fc.WeightedArbitrary<string>[] = [{ weight: 8, arbitrary: fc.constantFrom(...literals) }];
    if (!(equality && onSpace)) choices.push({ weight: 2, arbitrary: fc.constant('$user.id') });
    return fc.oneof(...choices);
  };
  const list = fc.oneof({ weight: 3, arbitrary: fc.subarray([...literals], { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant('$user.groups' as const) });
  return fc.oneof(
    scalar(true),
    scalar(false).map((v) => ({ not: v })),
    list.map((v) => ({ oneOf: v })),
    list.map((v) => ({ noneOf: v })),
  );
}

const whenArb: fc.Arbitrary<Record<string, GenCondition>> = fc
  .subarray(POST_FIELDS, { minLength: 1, maxLength: 3 })
  .chain((fields) => fc.tuple(...fields.map((f) => conditionArb(f).map((c) => [f, c] as const))))
  .map((entries) => Object.fromEntries(entries));

const ruleArb: fc.Arbitrary<GenRule> = fc
  .record({
    roles: fc.subarray([...ROLES], { maxLength: 2 }),
    groups: fc.subarray([...GROUPS], { maxLength: 1 }),
    effect: fc.constantFrom('allow' as const, 'deny' as const),
    actions: fc.oneof({ weight: 1, arbitrary: fc.constant('manage' as const) }, { weight: 5, arbitrary: nonEmptySub(POST_ACTIONS) }),
    when: fc.option(whenArb, { freq: 4, nil: undefined }),
  })
  .filter((r) => r.roles.length + r.groups.length > 0);

export const policyArb: fc.Arbitrary<GenPolicy> = fc
  .record({
    roles: fc.tuple(roleArb('r1'), roleArb('r2'), roleArb('r3')),
    spaces: fc.tuple(...SPACE_IDS.map(spaceArb)),
    rules: fc.array(ruleArb, { maxLength: 6 }),
  })
  .map((p) => ({ ...p, rules: withoutRepeats(p.rules) }));

/**
 * buildPolicySet refuses two rules for the same role or group, action and conditions ("repeats"
 * or "contradicts"); keep the first of such rules, dropping the later one's clashing actions.
 */
function withoutRepeats(rules: readonly GenRule[]): GenRule[] {
  const seen = new Set<string>();
  const out: GenRule[] = [];
  for (const rule of rules) {
    const when = JSON.stringify(rule.when ?? null);
    const who = [...rule.roles.map((r) => `role:${r}`), ...rule.groups.map((g) => `group:${g.toLowerCase()}`)];
    const actions = rule.actions === 'manage' ? POST_ACTIONS : rule.actions;
    const clashes = (a: string) => who.some((w) => seen.has(`${w}|${a}|${when}`));
    if (actions.some(clashes)) continue;
    for (const a of actions) for (const w of who) seen.add(`${w}|${a}|${when}`);
    out.push(rule);
  }
  return out;
}

/** The policy folder: directory.yaml (roles, spaces) and rules.yaml. */
export function policyFiles(policy: GenPolicy): Record<string, string> {
  const list = (a: GenAccess) => ({ ...(a.roles.length ? { roles: a.roles } : {}), ...(a.groups.length ? { groups: a.groups } : {}) });
  const directory = {
    roles: {
      everyone: { members: 'everyone' },
      ...Object.fromEntries(policy.roles.map((r) => [r.name, { members: { groups: r.groups, ...(r.users.length ? { users: r.users } : {}) } }])),
    },
    spaces: Object.fromEntries(
      policy.spaces.map((s) => [
        s.id,
        { title: `Space ${s.id}`, classification: s.classification, read: list(s.read), ...(s.post ? { post: list(s.post) } : {}), ...(s.moderate ? { moderate: list(s.moderate) } : {}) },
      ]),
    ),
  };
  const rules = policy.rules.map((r, i) => ({
    ...(r.roles.length ? { role: r.roles } : {}),
    ...(r.groups.length ? { group: r.groups } : {}),
    [r.effect]: r.actions,
    subject: 'Post',
    ...(r.when ? { when: r.when } : {}),
    ...(r.effect === 'deny' ? { because: `generated deny rule ${i + 1}` } : {}),
  }));
  const files: Record<string, string> = { 'directory.yaml': YAML.stringify(directory) };
  if (rules.length > 0) files['rules.yaml'] = YAML.stringify({ rules });
  return files;
}

// ---------------------------------------------------------------------------------------------
// People and records

export interface GenUser {
  readonly id: string;
  readonly groups: readonly string[];
}

export const userArb: fc.Arbitrary<GenUser> = fc.record({ id: fc.constantFrom(...USERS), groups: fc.subarray([...GROUPS]) });

/** A Post row; null is SQL NULL. */
export interface GenPost {
  readonly spaceId: string;
  readonly classification: string;
  readonly authorId: string | null;
  readonly mentions: readonly string[];
  readonly topics: readonly string[] | null;
}

export const postArb: fc.Arbitrary<GenPost> = fc.record({
  spaceId: fc.constantFrom(...RECORD_SPACE_IDS),
  classification: fc.constantFrom(...CLASSIFICATIONS),
  authorId: fc.option(fc.constantFrom(...USERS), { freq: 4, nil: null }),
  mentions: fc.subarray([...USERS]),
  topics: fc.option(fc.subarray([...TOPICS]), { freq: 4, nil: null }),
});
