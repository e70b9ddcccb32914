// Policy benchmark: what the policy engine costs a request. In memory: building a person's
// ability (first time per policy version) and the cached lookup, and one permission check
// against a hand-written check. On the embedded PGlite and on a PostgreSQL server in the same
// run: a permitted list query over 100,000 posts through wherePermitted against the same query
// hand-written (`space_id IN (…)`), and the count(*) of each. Prints a table and the targets and
// writes the figures to bench/results/policy-latest.json. Method and findings: bench/README.md.
//
//   npx tsx bench/policy.ts             (npm run bench runs it after bench/append.ts)
//   DATABASE_URL=postgres://… npx tsx bench/policy.ts
//   BENCH_SECONDS=10 npx tsx bench/policy.ts     longer measurements (default 5 s, warm-up 1 s)
import { describeUrl, withScratchDatabase } from './postgres-admin.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { openDatabase } from '../src/db/database.js';
import { buildPolicySet } from '../src/policy/build-policy-set.js';
import { asSubject, CompiledPolicy } from '../src/policy/compile.js';
import type { PolicySet } from '../src/policy/model.js';
import { permittedCondition, wherePermitted, type ColumnMap } from '../src/policy/sql-filter.js';
import { organisation, SPACE_COUNT, type Organisation } from './policy-fixture.js';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const WARMUP_MS = seconds('BENCH_WARMUP_SECONDS', 1) * 1000;
const MEASURE_MS = seconds('BENCH_SECONDS', 5) * 1000;
/** Queries and their baseline alternate in slices of this length, as in bench/append.ts. */
const SLICE_MS = 1000;
const POST_COUNT = 100_000;
const PAGE_SIZE = 50;
const AUTHORS = 500;
/** Records the permission checks cycle through (every space, many authors). */
const CHECK_RECORDS = 1000;
const TARGETS = { queryRatio: 2 } as const;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(benchDir, 'results', 'policy-latest.json');

const COLUMNS: ColumnMap = {
  spaceId: { column: 'posts.space_id', kind: 'text' },
  classification: { column: 'posts.classification', kind: 'text' },
  authorId: { column: 'posts.author_id', kind: 'text' },
};
const LIST_COLUMNS = ['id', 'space_id', 'author_id', 'created_at', 'text'];

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number of seconds, got ${JSON.stringify(raw)}`);
  return n;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

// ---------------------------------------------------------------------------------------------
// Measuring: one loop, no concurrency. Cheap operations run in batches between two clock
// readings, so the clock's own cost does not dominate; the latencies are per operation.

/** May return a promise or a thenable (a knex query builder); it is awaited. */
type Operation = () => unknown;

interface Measurement {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Per operation, in microseconds: the mean, and p50/p99 of the batch means. */
  readonly micros: { readonly mean: number; readonly p50: number; readonly p99: number };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

class Tally {
  private operations = 0;
  private elapsedMs = 0;
  private readonly perOp: number[] = [];
  /** Keeps results alive, so the engine cannot skip the work. */
  sink = 0;

  constructor(
    private readonly op: Operation,
    private readonly batch: number,
  ) {}

  async slice(ms: number, record = true): Promise<void> {
    const started = performance.now();
    const deadline = started + ms;
    while (performance.now() < deadline) {
      const t = performance.now();
      for (let i = 0; i < this.batch; i++) {
        let r = this.op();
        // A knex query builder is a thenable, not a Promise: awaiting it runs the query.
        if (isThenable(r)) r = await r;
        if (r) this.sink++;
      }
      if (!record) continue;
      this.perOp.push(((performance.now() - t) * 1000) / this.batch);
      this.operations += this.batch;
    }
    if (record) this.elapsedMs += performance.now() - started;
  }

  result(): Measurement {
    const sorted = [...this.perOp].sort((a, b) => a - b);
    const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 2);
    return {
      operations: this.operations,
      seconds: round(this.elapsedMs / 1000, 2),
      perSecond: Math.round((this.operations / this.elapsedMs) * 1000),
      micros: { mean: round((this.elapsedMs * 1000) / this.operations, 2), p50: pct(0.5), p99: pct(0.99) },
    };
  }
}

async function measure(op: Operation, batch = 1): Promise<Measurement> {
  const t = new Tally(op, batch);
  await t.slice(WARMUP_MS, false);
  await t.slice(MEASURE_MS);
  return t.result();
}

/**
 * Operations whose figures are compared, in alternating slices (A B C, C B A, A B C, …), so that
 * all see the same machine: on this shared VM the rates drift by a factor of two within minutes.
 */
async function measureInterleaved<const T extends readonly Operation[]>(ops: T, batch = 1): Promise<{ [K in keyof T]: Measurement }> {
  const tallies = ops.map((op) => new Tally(op, batch));
  for (const t of tallies) await t.slice(WARMUP_MS, false);
  const slices = Math.max(1, Math.round(MEASURE_MS / SLICE_MS));
  for (let i = 0; i < slices; i++) {
    for (const t of i % 2 === 0 ? tallies : [...tallies].reverse()) await t.slice(MEASURE_MS / slices);
  }
  return tallies.map((t) => t.result()) as { [K in keyof T]: Measurement };
}

interface Row {
  readonly what: string;
  readonly m: Measurement;
  /** Time per operation relative to the baseline row of the same group (2.0 = twice as slow). */
  readonly vsBaseline: number | null;
}

const ratio = (candidate: Measurement, baseline: Measurement) => round(candidate.micros.mean / baseline.micros.mean, 2);

// ---------------------------------------------------------------------------------------------
// In memory: ability and checks (no database)

// A type, not an interface: asSubject takes a record of fields.
type Subject = { readonly spaceId: string; readonly classification: string; readonly authorId: string };

async function benchEngine(org: Organisation, set: PolicySet): Promise<{ rows: Row[]; policySetBuildMs: number }> {
  const rows: Row[] = [];
  const say = (row: Row) => {
    rows.push(row);
    console.log(`  ${row.what.padEnd(46)} ${describe(row.m)}${row.vsBaseline === null ? '' : `  ${row.vsBaseline.toFixed(2)}× baseline`}`);
  };

  const t = performance.now();
  for (let i = 0; i < 10; i++) buildPolicySet(org.files);
  const policySetBuildMs = round((performance.now() - t) / 10, 2);
  console.log(`  policy set from YAML (buildPolicySet, ${SPACE_COUNT} spaces)   ${policySetBuildMs} ms per version (mean of 10)`);

  say({ what: 'compile a policy version (new CompiledPolicy)', m: await measure(() => new CompiledPolicy(set)), vsBaseline: null });
  const compiled = new CompiledPolicy(set);
  say({ what: `principal from ${org.user.groups.length} groups`, m: await measure(() => compiled.principal(org.user), 100), vsBaseline: null });
  const principal = compiled.principal(org.user);

  // A new id is a new cache key: each call builds the ability from the rules, as for a
  // person's first request after a policy version is activated.
  let n = 0;
  const cold = () => compiled.abilityFor({ ...principal, id: `bench-${++n}` });
  say({ what: 'ability, first build for a person', m: await measure(cold), vsBaseline: null });
  const first = subjects(org)[0]!;
  say({ what: 'ability, first build + first check', m: await measure(() => cold().can('read', asSubject('Post', first) as never)), vsBaseline: null });
  compiled.abilityFor(principal);
  say({ what: 'ability, cached lookup', m: await measure(() => compiled.abilityFor(principal), 100), vsBaseline: null });

  const ability = compiled.abilityFor(principal);
  const plain = subjects(org);
  const tagged = plain.map((s) => asSubject('Post', s));
  const readable = new Set(org.readableByHand);
  let i = 0;
  const [hand, can] = await measureInterleaved([() => readable.has(plain[i++ % plain.length]!.spaceId), () => ability.can('read', tagged[i++ % tagged.length] as never)], 1000);
  say({ what: 'baseline: hand-written check (Set of spaces)', m: hand, vsBaseline: null });
  say({ what: 'ability.can(read, tagged Post)', m: can, vsBaseline: ratio(can, hand) });
  const tagAndCan = await measure(() => ability.can('read', asSubject('Post', plain[i++ % plain.length]!) as never), 1000);
  say({ what: 'asSubject + ability.can(read)', m: tagAndCan, vsBaseline: ratio(tagAndCan, hand) });
  const update = await measure(() => ability.can('update', tagged[i++ % tagged.length] as never), 1000);
  say({ what: 'ability.can(update), own-posts rule', m: update, vsBaseline: ratio(update, hand) });
  // A fresh column map misses the translation cache, as the first query of a person does.
  const translate = await measure(() => permittedCondition(ability, 'read', 'Post', { ...COLUMNS }), 10);
  say({ what: 'permittedCondition(read Post), first translation', m: translate, vsBaseline: null });
  const cached = await measure(() => permittedCondition(ability, 'read', 'Post', COLUMNS), 1000);
  say({ what: 'permittedCondition(read Post), cached', m: cached, vsBaseline: null });
  return { rows, policySetBuildMs };
}

/** Post fields over every space, by many authors, the user among them. */
function subjects(org: Organisation): Subject[] {
  return Array.from({ length: CHECK_RECORDS }, (_, k) => {
    const space = org.spaces[(k * 7) % org.spaces.length]!;
    return { spaceId: space.id, classification: space.classification, authorId: k % 10 === 0 ? org.user.id : `user-${String(k % AUTHORS).padStart(4, '0')}` };
  });
}

function describe(m: Measurement): string {
  const unit = (us: number) => (us >= 1000 ? `${round(us / 1000, 2)} ms` : `${us} µs`);
  return `${String(m.perSecond).padStart(9)}/s  mean ${unit(m.micros.mean)}, p50 ${unit(m.micros.p50)}, p99 ${unit(m.micros.p99)}`;
}

// ---------------------------------------------------------------------------------------------
// One database: 100,000 posts over the 200 spaces, the list and count queries

type Kind = 'pglite' | 'postgres';

interface Plan {
  readonly query: string;
  readonly executionMs: number | null;
  readonly planningMs: number | null;
  readonly plan: string[];
}

interface DatabaseResult {
  readonly kind: Kind;
  readonly ran: true;
  readonly serverVersion: string;
  readonly condition: { readonly sqlLength: number; readonly bindings: number };
  readonly rows: Row[];
  readonly plans: Plan[];
  readonly targets: { readonly list: TargetCheck; readonly count: TargetCheck };
}

interface TargetCheck {
  readonly target: string;
  readonly value: number;
  readonly met: boolean;
}

interface Skipped {
  readonly kind: Kind;
  readonly ran: false;
  readonly reason: string;
}

async function loadPosts(knex: Knex, org: Organisation): Promise<void> {
  await knex.raw(`
    CREATE TABLE posts (
      id             bigserial   PRIMARY KEY,
      space_id       text        NOT NULL,
      author_id      text        NOT NULL,
      classification text        NOT NULL,
      created_at     timestamptz NOT NULL,
      text           text        NOT NULL
    )`);
  await knex.raw('CREATE TABLE bench_spaces (n int PRIMARY KEY, id text NOT NULL, classification text NOT NULL)');
  await knex('bench_spaces').insert(org.spaces.map((s, n) => ({ n, id: s.id, classification: s.classification })));
  // The same number of posts in every space, the spaces interleaved in id (= time) order.
  await knex.raw(
    `INSERT INTO posts (space_id, author_id, classification, created_at, text)
     SELECT s.id, 'user-' || lpad((g % ${AUTHORS})::text, 4, '0'), s.classification,
            timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', 'Beitrag ' || g || ': ' || repeat('Neues aus dem Flur. ', 6)
       FROM generate_series(1, ${POST_COUNT}) AS g JOIN bench_spaces s ON s.n = (g * 7919) % ${SPACE_COUNT}`,
  );
  await knex.raw('CREATE INDEX posts_space_id_id ON posts (space_id, id)');
  await knex.raw('DROP TABLE bench_spaces');
  // As on a server whose autovacuum has run: statistics and the visibility map are current.
  await knex.raw('VACUUM ANALYZE posts');
}

async function explain(knex: Knex, name: string, query: Knex.QueryBuilder): Promise<Plan> {
  const { sql, bindings } = query.toSQL();
  const result = await knex.raw<{ rows: Record<string, string>[] }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings as Knex.RawBinding[]);
  const lines = result.rows.map((r) => Object.values(r)[0]!);
  const ms = (label: string) => {
    const line = lines.find((l) => l.startsWith(label));
    return line ? Number(/([\d.]+) ms/.exec(line)?.[1]) : null;
  };
  return { query: name, planningMs: ms('Planning Time'), executionMs: ms('Execution Time'), plan: lines.filter((l) => !/^(Planning|Execution) Time/.test(l)).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l)) };
}

async function benchDatabase(kind: Kind, knex: Knex, org: Organisation, compiled: CompiledPolicy): Promise<DatabaseResult> {
  const say = (line: string) => console.log(`  [${kind}] ${line}`);
  const serverVersion = (await knex.raw<{ rows: { v: string }[] }>('SELECT version() AS v')).rows[0]!.v;
  const loadStarted = performance.now();
  await loadPosts(knex, org);
  say(`${POST_COUNT} posts loaded, indexed and analyzed in ${round((performance.now() - loadStarted) / 1000, 1)} s`);

  // A request: claims → principal → ability (cached) → condition → query.
  const permitted = (q: Knex.QueryBuilder) => wherePermitted(q, compiled.abilityFor(compiled.principal(org.user)), 'read', 'Post', COLUMNS);
  const condition = permittedCondition(compiled.abilityFor(compiled.principal(org.user)), 'read', 'Post', COLUMNS);
  const queries = {
    handList: () => knex('posts').select(LIST_COLUMNS).whereIn('space_id', org.readableByHand).orderBy('id', 'desc').limit(PAGE_SIZE),
    policyList: () => permitted(knex('posts').select(LIST_COLUMNS)).orderBy('id', 'desc').limit(PAGE_SIZE),
    handCount: () => knex('posts').count({ n: '*' }).whereIn('space_id', org.readableByHand),
    policyCount: () => permitted(knex('posts').count({ n: '*' })),
  };

  // Both must answer the same before their speed means anything.
  const ids = async (q: Knex.QueryBuilder) => ((await q) as { id: string }[]).map((r) => r.id).join(',');
  const count = async (q: Knex.QueryBuilder) => Number(((await q) as { n: string | number }[])[0]!.n);
  const [handIds, policyIds] = [await ids(queries.handList()), await ids(queries.policyList())];
  const [handN, policyN] = [await count(queries.handCount()), await count(queries.policyCount())];
  if (handIds !== policyIds || handN !== policyN) throw new Error(`the permitted and the hand-written query disagree: ${handN} vs ${policyN} rows`);
  say(`both queries see ${handN} of ${POST_COUNT} posts; the permitted condition is ${condition.sql.length} characters of SQL with ${condition.bindings.length} bindings`);

  const rows: Row[] = [];
  const report = (what: string, m: Measurement, base: Measurement | undefined) => {
    rows.push({ what, m, vsBaseline: base ? ratio(m, base) : null });
    say(`${what.padEnd(42)} ${describe(m)}${base ? `  ${ratio(m, base).toFixed(2)}× hand-written` : ''}`);
  };
  const [handList, policyList] = await measureInterleaved([queries.handList, queries.policyList]);
  report(`hand-written list (${PAGE_SIZE} newest)`, handList, undefined);
  report('permitted list (wherePermitted)', policyList, handList);
  const [handCount, policyCount] = await measureInterleaved([queries.handCount, queries.policyCount]);
  report('hand-written count(*)', handCount, undefined);
  report('permitted count(*)', policyCount, handCount);

  // After the measurements, so caches are warm; the fastest of three runs.
  const plans: Plan[] = [];
  for (const [name, q] of Object.entries(queries)) {
    const runs = [await explain(knex, name, q()), await explain(knex, name, q()), await explain(knex, name, q())];
    plans.push(runs.sort((a, b) => (a.executionMs ?? 0) - (b.executionMs ?? 0))[0]!);
  }

  const check = (what: string, value: number): TargetCheck => ({ target: `${what} <= ${TARGETS.queryRatio}x hand-written`, value, met: value <= TARGETS.queryRatio });
  return {
    kind,
    ran: true,
    serverVersion,
    condition: { sqlLength: condition.sql.length, bindings: condition.bindings.length },
    rows,
    plans,
    targets: { list: check('permitted list query', ratio(policyList, handList)), count: check('permitted count(*)', ratio(policyCount, handCount)) },
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a database of our own on the server, dropped at the end whatever happens


async function benchPglite(root: string, org: Organisation, compiled: CompiledPolicy): Promise<DatabaseResult> {
  const db = await openDatabase({ databaseUrl: undefined, dataDir: path.join(root, 'pglite') });
  try {
    return await benchDatabase('pglite', db.knex, org, compiled);
  } finally {
    await db.close();
  }
}

async function benchPostgres(adminUrl: string, root: string, org: Organisation, compiled: CompiledPolicy): Promise<DatabaseResult | Skipped> {
  return withScratchDatabase(adminUrl, 'flurfunk_policy_bench', async (databaseUrl) => {
    const db = await openDatabase({ databaseUrl, dataDir: path.join(root, 'postgres'), poolMax: 2 });
    try {
      return await benchDatabase('postgres', db.knex, org, compiled);
    } finally {
      await db.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Report

function printTable(engine: Row[], results: (DatabaseResult | Skipped)[]): void {
  const ms = (us: number) => String(round(us / 1000, 3));
  const rows: string[][] = [['where', 'measurement', 'per second', 'mean ms', 'p50 ms', 'p99 ms', 'vs baseline']];
  const add = (where: string, r: Row) => rows.push([where, r.what, String(r.m.perSecond), ms(r.m.micros.mean), ms(r.m.micros.p50), ms(r.m.micros.p99), r.vsBaseline === null ? '' : r.vsBaseline.toFixed(2)]);
  for (const r of engine) add('memory', r);
  for (const d of results) {
    if (!d.ran) rows.push([d.kind, 'not run', '', '', '', '', '']);
    else for (const r of d.rows) add(d.kind, r);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows.slice(1)) console.log(line(row));

  console.log('\nTargets');
  for (const d of results) {
    if (!d.ran) {
      console.log(`  [${d.kind}] not run`);
      continue;
    }
    for (const t of Object.values(d.targets)) console.log(`  [${d.kind}] ${t.target}: ratio ${t.value.toFixed(2)} -> ${t.met ? 'MET' : 'MISSED'}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-policy-bench-'));
  const adminUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  console.log(`Flurfunk policy bench: ${MEASURE_MS / 1000} s per measurement after ${WARMUP_MS / 1000} s warm-up; ${os.cpus().length} CPUs, node ${process.version}`);
  try {
    const org = organisation();
    const built = buildPolicySet(org.files);
    if (!built.ok) throw new Error(`the bench policy does not build: ${built.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`);
    const compiled = new CompiledPolicy(built.set);
    const principal = compiled.principal(org.user);
    console.log(
      `\nPolicy: ${org.spaces.length} spaces, ${built.set.rules.length} rules; the person is in ${org.user.groups.length} groups and reads ${org.readableByHand.length} spaces; ${org.closedByHand.length} confidential or secret spaces are closed to them; ${compiled.rulesFor(principal).length} CASL rules`,
    );

    console.log('\nIn memory');
    const engine = await benchEngine(org, built.set);

    const results: (DatabaseResult | Skipped)[] = [];
    console.log(`\nPGlite (embedded, fresh data folder in ${root})`);
    results.push(await benchPglite(root, org, compiled));
    console.log(`\nPostgreSQL (${describeUrl(adminUrl)}, fresh database flurfunk_policy_bench_${process.pid})`);
    const postgres = await benchPostgres(adminUrl, root, org, compiled);
    if (!postgres.ran) console.log(`  PostgreSQL part NOT RUN: ${postgres.reason}`);
    results.push(postgres);

    printTable(engine.rows, results);
    for (const d of results) {
      if (!d.ran) continue;
      console.log(`\nPlans on ${d.kind} (EXPLAIN ANALYZE, fastest of 3)`);
      for (const p of d.plans) console.log(`  ${p.query}: planning ${p.planningMs} ms, execution ${p.executionMs} ms; ${p.plan[0]?.trim()}`);
    }

    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings: { warmupSeconds: WARMUP_MS / 1000, measureSeconds: MEASURE_MS / 1000, sliceSeconds: SLICE_MS / 1000, posts: POST_COUNT, pageSize: PAGE_SIZE },
      policy: { spaces: org.spaces.length, userGroups: org.user.groups.length, readableSpaces: org.readableByHand.length, closedSpaces: org.closedByHand.length, policySetBuildMs: engine.policySetBuildMs },
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: round(os.totalmem() / 2 ** 30, 1), loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) }, node: process.version, platform: `${os.platform()} ${os.release()}` },
      targets: TARGETS,
      memory: engine.rows,
      databases: Object.fromEntries(results.map((r) => [r.kind, r])),
    };
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
