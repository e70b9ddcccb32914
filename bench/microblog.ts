// Microblog benchmark: a person's timeline page, search and posting, through HTTP against the
// real server (a child process on a scratch PostgreSQL database seeded with 1,000 people,
// 100 spaces and 1,000,000 posts), each against a raw-SQL baseline of the same work measured in
// the same run at the same concurrency. Prints the figures, the targets and where the time goes
// (each layer of a request one at a time, query plans, CPU per process, database counters per
// request), and writes bench/results/microblog-latest.json. Method and findings: bench/README.md.
//
//   npx tsx bench/microblog.ts                      (npm run bench runs it last)
//   BENCH_POSTS=100000 npx tsx bench/microblog.ts   a smaller world for quick iteration
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import { loadOrCreateSigningKey } from '../src/keys/signing-key.js';
import { createLogger } from '../src/log/logger.js';
import { compileFiles } from '../src/policy/load-policy.js';
import { CHECK_SEARCH, CHECK_TIMELINE, createRawTables, MATCHES, PAGE, preparedTexts, RAW_SEARCH, RAW_TIMELINE, rawPoster } from './microblog-baseline.js';
import { plans, searchLayers, timelineLayers, type Bench, type Layers, type Plan } from './microblog-layers.js';
import { describe, measurePair, type Measurement, type Operation, type PairSettings, type Processes } from './microblog-load.js';
import { eachLimited, seed, type SeedResult } from './microblog-seed.js';
import { getSearch, getTimeline, pageIds, post, startServer, type Client } from './microblog-server.js';
import { freePort } from '../test/support/browser.js';
import { world, type Person, type World } from './microblog-world.js';
import { describeUrl, withScratchDatabase } from './postgres-admin.js';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const POSTS = positive('BENCH_POSTS', 1_000_000);
const CONCURRENCY = positive('BENCH_CONCURRENCY', 50);
const WARMUP_MS = positive('BENCH_WARMUP_SECONDS', 3) * 1000;
const MEASURE_MS = positive('BENCH_SECONDS', 15) * 1000;
/** Flurfunk and its baseline alternate in slices of this length. */
const SLICE_MS = 5000;
const MAX_REQUESTS = positive('BENCH_MAX_REQUESTS', 100_000);
/** The server's DATABASE_POOL_MAX; unset: the shipped default. */
const SERVER_POOL = process.env.BENCH_SERVER_POOL ? String(positive('BENCH_SERVER_POOL', 10)) : undefined;
/** The server's LOG_LEVEL (the shipped default is info: a line per request). */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
const TARGETS = { timelineP50Ms: 10, timelineP99Ms: 50, searchP99Ms: 100, postsPerSecond: 1000 } as const;

/** From the most common word to the rarest, with AND, OR, a phrase and a stemmed plural. */
const SEARCHES = ['Projekt', 'Besprechung', 'Datenschutz Richtlinie', 'deployment or release', 'Präsentationen', '"Budget Planung"', 'Kubernetes', 'Quokka'];

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(benchDir, 'results', 'microblog-latest.json');
/** The seeding runtime's logger (the server logs at LOG_LEVEL into its own file). */
const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'error');

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}: expected a positive number, got ${JSON.stringify(raw)}`);
  return n;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const say = (line: string) => console.log(`  ${line}`);

interface Figure {
  readonly flurfunk: Measurement;
  readonly raw: Measurement;
  /** Flurfunk's latency over the baseline's (p50, p99), and Flurfunk's throughput over the baseline's. */
  readonly ratios: { readonly p50: number; readonly p99: number; readonly throughput: number };
}

function figure(flurfunk: Measurement, raw: Measurement): Figure {
  return { flurfunk, raw, ratios: { p50: round(flurfunk.latencyMs.p50 / raw.latencyMs.p50, 2), p99: round(flurfunk.latencyMs.p99 / raw.latencyMs.p99, 2), throughput: round(flurfunk.perSecond / raw.perSecond, 3) } };
}

interface TargetCheck {
  readonly target: string;
  readonly value: number;
  readonly met: boolean;
}

interface RunResult {
  readonly ran: true;
  readonly serverVersion: string;
  readonly seed: Omit<SeedResult, 'sessions'>;
  readonly checks: Record<string, string>;
  readonly searches: { readonly q: string; readonly matches: number }[];
  readonly figures: { readonly timeline: Figure; readonly search: Figure; readonly posting: Figure };
  readonly layers: { readonly timeline: Layers; readonly search: Layers; readonly searchPerQuery: Record<string, { raw: number; flurfunkSql: number; http: number }> };
  readonly plans: Plan[];
  readonly stored: { readonly postsMeasured: number; readonly postsInReadModel: number; readonly eventsAppended: number; readonly answered202: number };
  readonly targets: TargetCheck[];
}

// ---------------------------------------------------------------------------------------------

async function runBench(databaseUrl: string, root: string, w: World, keyEnv: Record<string, string>, policyDir: string): Promise<RunResult> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...keyEnv,
    DATABASE_URL: databaseUrl,
    ...(SERVER_POOL ? { DATABASE_POOL_MAX: SERVER_POOL } : {}),
    FLURFUNK_DATA_DIR: path.join(root, 'data'),
    POLICY_DIR: policyDir,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: base,
    // Never contacted: the bench signs no one in through the provider (see bench/README.md).
    OIDC_ISSUER: 'http://127.0.0.1:9/not-used-by-the-bench',
    OIDC_CLIENT_ID: 'flurfunk-bench',
    LOG_LEVEL,
  };

  console.log(`\nSeeding ${POSTS.toLocaleString('en')} posts`);
  const seeded = await seed({ env, world: w, posts: POSTS, logger, say });
  const db = await openDatabase({ databaseUrl, dataDir: path.join(root, 'bench-client'), poolMax: 2 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY + 2, application_name: 'flurfunk-bench-raw' });
  // An idle connection that fails (the database dropped) is the next query's problem, not the process's.
  pool.on('error', () => undefined);
  let stopServer = () => Promise.resolve();
  try {
    const copyStarted = performance.now();
    await createRawTables(db.knex);
    say(`raw posting baseline tables (copies of events and posts with their indexes) in ${round((performance.now() - copyStarted) / 1000, 1)} s`);
    const serverVersion = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;

    console.log(`\nServer (flurfunk serve, child process, ${base}, DATABASE_POOL_MAX ${SERVER_POOL ?? 'default'}, LOG_LEVEL ${LOG_LEVEL})`);
    const serverStarted = performance.now();
    const server = await startServer(env, path.join(root, 'server.log'), process.env.BENCH_SERVER_PROFILE || undefined);
    stopServer = () => server.stop();
    say(`ready in ${round((performance.now() - serverStarted) / 1000, 1)} s`);
    const client: Client = { base, sessions: seeded.sessions };
    // The policy as the server runs it: the activated files compile to the same version.
    const policy = compileFiles(w.files);
    if (policy.version !== seeded.policyVersion) throw new Error(`the bench compiled policy ${policy.version}, the server activated ${seeded.policyVersion}`);
    const bench: Bench = { knex: db.knex, pool, client, world: w, say, abilityOf: (p) => policy.abilityFor(policy.principal({ id: p.id, groups: p.groups, name: p.name, email: p.email })) };

    // Every person's first request builds their ability; do that before measuring, as on a server that has been up for a while.
    await eachLimited(w.people, CONCURRENCY, async (p) => void (await getTimeline(client, p)));

    console.log('\nChecks');
    const { checks, searches } = await checkAnswers(bench);

    console.log('\nWhere the time goes, one request at a time');
    const timeline = await timelineLayers(bench);
    const search = await searchLayers(bench, personAt(w, 0), SEARCHES);
    const planned = await plans(bench, timeline.median, personAt(w, 0), [SEARCHES[0]!, search.slowest]);

    const processes: Processes = {
      serverPid: server.pid,
      postgresPids: async () => (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid),
      counters: () => databaseCounters(pool),
    };
    const { figures, stored } = await underLoad(bench, processes, seeded.policyVersion);
    const targets: TargetCheck[] = [
      { target: `timeline page p50 < ${TARGETS.timelineP50Ms} ms`, value: figures.timeline.flurfunk.latencyMs.p50, met: figures.timeline.flurfunk.latencyMs.p50 < TARGETS.timelineP50Ms },
      { target: `timeline page p99 < ${TARGETS.timelineP99Ms} ms`, value: figures.timeline.flurfunk.latencyMs.p99, met: figures.timeline.flurfunk.latencyMs.p99 < TARGETS.timelineP99Ms },
      { target: `search p99 < ${TARGETS.searchP99Ms} ms`, value: figures.search.flurfunk.latencyMs.p99, met: figures.search.flurfunk.latencyMs.p99 < TARGETS.searchP99Ms },
      { target: `posting >= ${TARGETS.postsPerSecond} posts/s`, value: figures.posting.flurfunk.perSecond, met: figures.posting.flurfunk.perSecond >= TARGETS.postsPerSecond },
    ];
    return {
      ran: true,
      serverVersion,
      seed: { events: seeded.events, posts: seeded.posts, policyVersion: seeded.policyVersion, seconds: seeded.seconds, postsPerSecond: seeded.postsPerSecond },
      checks,
      searches,
      figures,
      layers: { timeline: timeline.layers, search: search.layers, searchPerQuery: search.perQuery },
      plans: planned,
      stored,
      targets,
    };
  } finally {
    await stopServer();
    await pool.end();
    await db.close();
  }
}

/** Spreads request n over the people. */
function personAt(w: World, n: number): Person {
  return w.people[(n * 7919) % w.people.length]!;
}

/**
 * The hand-written queries, restricted to the spaces a person may read (from the read lists),
 * must return exactly the server's pages; otherwise the baseline no longer does the same work.
 */
async function checkAnswers(b: Bench): Promise<{ checks: Record<string, string>; searches: { q: string; matches: number }[] }> {
  const checks: Record<string, string> = {};
  let same = 0;
  let sameUnfiltered = 0;
  for (let i = 0; i < 20; i++) {
    const p = personAt(b.world, i);
    const ids = pageIds(await getTimeline(b.client, p));
    const ours = async (sql: string, bindings: unknown[]) => (await b.pool.query<{ id: string }>(sql, bindings)).rows.slice(0, PAGE).map((r) => r.id).join();
    if (ids === (await ours(CHECK_TIMELINE, [p.id, p.reads]))) same++;
    if (ids === (await ours(RAW_TIMELINE, [p.id]))) sameUnfiltered++;
  }
  checks.timeline = `the HTTP timeline page equals the hand-written query restricted to the spaces the person may read for ${same} of 20 people; the unfiltered baseline's first ${PAGE} rows equal it for ${sameUnfiltered} (it also returns posts by followed people and mentions in spaces the reader may not read)`;
  say(checks.timeline);
  if (same !== 20) throw new Error('the hand-written timeline query no longer answers like the server: update bench/microblog-baseline.ts to src/posts/post-queries.ts');

  const searches: { q: string; matches: number }[] = [];
  let sameSearches = 0;
  for (const [i, q] of SEARCHES.entries()) {
    searches.push({ q, matches: Number((await b.pool.query<{ n: string }>(MATCHES, [q])).rows[0]!.n) });
    const p = personAt(b.world, i);
    const hand = (await b.pool.query<{ id: string }>(CHECK_SEARCH, [p.id, q, p.reads])).rows.slice(0, PAGE).map((r) => r.id).join();
    if (pageIds(await getSearch(b.client, p, q)) === hand) sameSearches++;
  }
  checks.search = `matching posts (all spaces): ${searches.map((s) => `${s.q} ${s.matches.toLocaleString('en')}`).join(', ')}`;
  checks.searchPages = `the HTTP search page equals the hand-written query restricted to the readable spaces for ${sameSearches} of ${SEARCHES.length} searches`;
  say(checks.search);
  say(checks.searchPages);
  if (sameSearches !== SEARCHES.length) throw new Error('the hand-written search query no longer answers like the server: update bench/microblog-baseline.ts to src/posts/post-queries.ts');
  return { checks, searches };
}

/** Timeline, search and posting at CONCURRENCY, each alternating with its raw baseline. */
async function underLoad(b: Bench, processes: Processes, policyVersion: string) {
  const settings: PairSettings = { concurrency: CONCURRENCY, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, sliceMs: SLICE_MS, maxOperations: MAX_REQUESTS };
  console.log(`\nUnder load: ${CONCURRENCY} concurrent loops, ${MEASURE_MS / 1000} s measured each (slices of ${SLICE_MS / 1000} s, alternating with the baseline) after ${WARMUP_MS / 1000} s warm-up, at most ${MAX_REQUESTS.toLocaleString('en')} requests`);
  const report = (what: string, m: Measurement) => {
    say(`${what.padEnd(24)} ${describe(m)}`);
    const c = m.perOperation;
    say(`${''.padEnd(24)} per request: ${c.transactions} transactions, ${c['rows inserted']} rows inserted, ${c['rows updated']} updated, ${c['rows fetched']} fetched; ${c['WAL flushes']} WAL flushes, ${Math.round((c['WAL bytes'] ?? 0) / 1024)} kB WAL (server-wide)`);
  };
  const pair = async (name: string, http: Operation, raw: Operation) => {
    const [f, r] = await measurePair(settings, processes, http, raw);
    report(`${name}, HTTP`, f);
    report(`${name}, raw SQL`, r);
    return figure(f, r);
  };
  const { pool, world: w } = b;

  const timeline = await pair(
    'timeline',
    async (_loop, n) => void (await getTimeline(b.client, personAt(w, n))),
    async (_loop, n) => void (await pool.query(RAW_TIMELINE, [personAt(w, n).id])),
  );
  const search = await pair(
    'search',
    async (_loop, n) => void (await getSearch(b.client, personAt(w, n), SEARCHES[n % SEARCHES.length]!)),
    async (_loop, n) => void (await pool.query(RAW_SEARCH, [personAt(w, n).id, SEARCHES[n % SEARCHES.length]!])),
  );

  const postsBefore = await count(pool, 'SELECT count(*) FROM posts');
  const headBefore = await count(pool, 'SELECT max(position) FROM events');
  const texts = preparedTexts(w.people, 2_000);
  let lagged = 0;
  const posting = await pair(
    'posting',
    async (_loop, n) => {
      const p = w.people[n % w.people.length]!;
      if ((await post(b.client, p, p.posts[(n * 31) % p.posts.length]!, texts[n % texts.length]!.text)) === 202) lagged++;
    },
    await rawPoster(pool, w, texts, policyVersion),
  );
  const postsAfter = await count(pool, 'SELECT count(*) FROM posts');
  const stored = { postsMeasured: posting.flurfunk.operations, postsInReadModel: postsAfter - postsBefore, eventsAppended: (await count(pool, 'SELECT max(position) FROM events')) - headBefore, answered202: lagged };
  say(`stored: ${stored.postsInReadModel} new rows in posts and ${stored.eventsAppended} new events (warm-up included); ${lagged} posts answered 202 (read models lagging)`);
  return { figures: { timeline, search, posting }, stored };
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  return Number(Object.values((await pool.query<Record<string, string>>(sql)).rows[0]!)[0]);
}

/**
 * Statements' effects in this database (pg_stat_database, flushed by backends about once a
 * second, so per-slice figures are approximate) and WAL written (pg_stat_wal: the whole server,
 * so other databases' writes count too).
 */
async function databaseCounters(pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT d.xact_commit AS transactions, d.tup_inserted AS "rows inserted", d.tup_updated AS "rows updated", d.tup_fetched AS "rows fetched",
            w.wal_sync AS "WAL flushes", w.wal_bytes AS "WAL bytes"
       FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

// ---------------------------------------------------------------------------------------------
// Report

function printTable(r: RunResult): void {
  const rows: string[][] = [['measurement', 'per second', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 / raw', 'p99 / raw', 'CPU gen/server/pg']];
  const cpu = (m: Measurement) => `${m.cpu.loadGenerator}/${m.cpu.server ?? '-'}/${m.cpu.postgres ?? '-'}`;
  const numbers = (m: Measurement) => [String(m.perSecond), String(m.latencyMs.p50), String(m.latencyMs.p95), String(m.latencyMs.p99)];
  for (const [name, f] of Object.entries(r.figures)) {
    rows.push([`${name}, HTTP`, ...numbers(f.flurfunk), f.ratios.p50.toFixed(2), f.ratios.p99.toFixed(2), cpu(f.flurfunk)]);
    rows.push([`${name}, raw SQL`, ...numbers(f.raw), '', '', cpu(f.raw)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i >= 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\nFlurfunk's throughput over the raw baseline's: timeline ${r.figures.timeline.ratios.throughput}, search ${r.figures.search.ratios.throughput}, posting ${r.figures.posting.ratios.throughput}`);
  console.log('\nTargets');
  for (const t of r.targets) console.log(`  ${t.target}: ${t.value} -> ${t.met ? 'MET' : 'MISSED'}`);
}

function commitDescription(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: path.dirname(benchDir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src', 'migrations') === '' ? commit : `${commit} with uncommitted changes in src/ or migrations/`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-microblog-bench-'));
  const adminUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  const code = commitDescription();
  console.log(`Flurfunk microblog bench: ${POSTS.toLocaleString('en')} posts, ${CONCURRENCY} concurrent readers/writers; ${os.cpus().length} CPUs, node ${process.version}, code ${code}`);
  try {
    const keys = path.join(root, 'keys');
    const keyEnv = {
      FLURFUNK_INSTALLATION_KEY_FILE: path.join(keys, 'installation.key'),
      FLURFUNK_SIGNING_KEY_FILE: path.join(keys, 'signing-key.pem'),
      FLURFUNK_SIGNING_CERT_FILE: path.join(keys, 'signing-cert.pem'),
    };
    loadOrCreateInstallationKey(keyEnv.FLURFUNK_INSTALLATION_KEY_FILE);
    loadOrCreateSigningKey(keyEnv.FLURFUNK_SIGNING_KEY_FILE, keyEnv.FLURFUNK_SIGNING_CERT_FILE);
    const w = world();
    const policyDir = path.join(root, 'policy');
    fs.mkdirSync(policyDir);
    for (const [file, text] of Object.entries(w.files)) fs.writeFileSync(path.join(policyDir, file), text);
    console.log(`World: ${w.people.length} people in ${new Set(w.people.flatMap((p) => p.groups)).size} groups, ${w.spaces.length} spaces; a person reads ${median(w.people.map((p) => p.reads.length))} and follows ${median(w.people.map((p) => p.follows.length))} spaces (medians)`);

    console.log(`PostgreSQL: ${describeUrl(adminUrl)}, fresh database flurfunk_microblog_bench_${process.pid}`);
    const result = await withScratchDatabase(adminUrl, 'flurfunk_microblog_bench', (databaseUrl) => runBench(databaseUrl, root, w, keyEnv, policyDir));
    if (!result.ran) {
      console.log(`NOT RUN: ${result.reason}`);
      process.exitCode = 1;
      return;
    }
    printTable(result);
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      code,
      settings: { posts: POSTS, concurrency: CONCURRENCY, warmupSeconds: WARMUP_MS / 1000, measureSeconds: MEASURE_MS / 1000, sliceSeconds: SLICE_MS / 1000, maxRequests: MAX_REQUESTS, serverPoolMax: SERVER_POOL ?? 'default', serverLogLevel: LOG_LEVEL, searches: SEARCHES },
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: round(os.totalmem() / 2 ** 30, 1), loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) }, node: process.version, platform: `${os.platform()} ${os.release()}` },
      goals: TARGETS,
      ...result,
    };
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(process.cwd(), resultsFile)}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
