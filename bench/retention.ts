// Retention benchmark: a sweep over 1,000,000 posts of which 100,000 have expired under the
// shipped policy (target: under a minute on PostgreSQL), through Flurfunk's own code path, and a
// dry run; against a raw baseline measured in the same run (the same deletes and as many
// receipt rows, in plain SQL by a precomputed list). On a scratch PostgreSQL database; the sweep
// and the dry run each run in a process of their own (peak memory). Method and figures:
// bench/README.md, "Retention benchmark".
//   npx tsx bench/retention.ts
//   BENCH_POSTS=100000 npx tsx bench/retention.ts      a tenth, for quick iteration
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { Projector } from '../src/events/projector.js';
import { verifyChain } from '../src/events/verify-chain.js';
import { createLogger } from '../src/log/logger.js';
import { projections } from '../src/read-models.js';
import { holdBarrier } from '../src/retention/hold-barrier.js';
import { placeHold } from '../src/retention/hold-commands.js';
import { cutoff } from '../src/retention/rules.js';
import { startRuntime } from '../src/runtime.js';
import { rawBaseline, type BaselineResult } from './retention-baseline.js';
import { measure, type RetentionMeasurement } from './retention-measure.js';
import { seedPosts } from './retention-seed.js';
import type { Span } from './retention-seed-worker.js';
import { withScratchDatabase } from './postgres-admin.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
/** The sweep's batch size; unset: the sweeper's default (what the schedule and the CLI use). */
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const TARGET_SECONDS = 60;
const DAY_MS = 86_400_000;
const say = (line: string) => console.log(`  ${line}`);

if (!Number.isInteger(POSTS) || POSTS <= 0 || POSTS % 100 !== 0) throw new Error(`BENCH_POSTS: a positive multiple of 100, got ${process.env.BENCH_POSTS}`);
if (BATCH !== undefined && !(Number.isInteger(BATCH) && BATCH >= 1 && BATCH <= 10_000)) throw new Error(`BENCH_BATCH: an integer from 1 to 10000, got ${process.env.BENCH_BATCH}`);

/**
 * The posts' times, oldest first, around the shipped rules' cutoffs at `now` (Post P2Y, Post in
 * hr P6M), each span at least 15 days from a cutoff, so a sweep minutes later sees the same:
 * 5% before the P2Y cutoff (expired), 35% between the two cutoffs with no hr post (kept), 20%
 * in the half year before the P6M cutoff of which a quarter in hr (those expired), 40% since
 * the P6M cutoff, a quarter in hr (kept). Expired: 10%, half under each rule.
 */
function spans(now: number): Span[] {
  const twoYears = cutoff(new Date(now), 'P2Y').getTime();
  const sixMonths = cutoff(new Date(now), 'P6M').getTime();
  const others = ['all-company', 'sales', 'project-apollo', 'all-company'];
  const withHr = ['hr', 'all-company', 'sales', 'project-apollo'];
  return [
    { fromMs: twoYears - 365 * DAY_MS, toMs: twoYears - 15 * DAY_MS, count: POSTS * 0.05, spaces: others },
    { fromMs: twoYears + 15 * DAY_MS, toMs: sixMonths - 200 * DAY_MS, count: POSTS * 0.35, spaces: others },
    { fromMs: sixMonths - 180 * DAY_MS, toMs: sixMonths - 15 * DAY_MS, count: POSTS * 0.2, spaces: withHr },
    { fromMs: sixMonths + 15 * DAY_MS, toMs: now - 3_600_000, count: POSTS * 0.4, spaces: withHr },
  ];
}

/** Runs one measurement in a fresh process (node --import tsx this file --child …). */
async function inChild(mode: 'dry' | 'run', databaseUrl: string, dataDir: string): Promise<RetentionMeasurement> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, databaseUrl, dataDir, ...(BATCH ? [String(BATCH)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`the ${mode} child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as RetentionMeasurement;
}

if (process.argv[2] === '--child') {
  const result = await measure(process.argv[3] as 'dry' | 'run', process.argv[4]!, process.argv[5]!, process.argv[6] ? Number(process.argv[6]) : undefined);
  console.log(JSON.stringify(result));
  process.exit(0);
}

/** Schema, the shipped policy, and one legal hold that covers none of the posts (so every batch checks holds and finds none). */
async function prepare(config: Config): Promise<{ policyVersion: string; classifications: Record<string, string> }> {
  const logger = createLogger('error');
  const runtime = await startRuntime(config, logger, { migrate: true, policy: { watch: false } });
  try {
    const projector = await Projector.start(runtime.db.knex, runtime.store, projections, logger);
    try {
      const policy = runtime.policy!;
      const caller = { principal: policy.current.principal({ id: 'dpo-bench', groups: ['GG-Datenschutz'], name: 'Bench DPO' }), correlationId: undefined };
      await placeHold({ knex: runtime.db.knex, store: runtime.store, policy, projector, barrier: holdBarrier(runtime.db) }, caller, {
        people: ['user-9999'],
        reason: 'Benchmark: a hold on a person who never posted',
        caseReference: 'BENCH-1',
      });
    } finally {
      await projector.stop();
    }
    const classifications = Object.fromEntries([...runtime.policy!.current.set.spaces].map(([id, s]) => [id, s.classification]));
    return { policyVersion: runtime.policy!.version, classifications };
  } finally {
    await runtime.close();
  }
}

/** Fingerprints of what must survive: count and a hash sum of the rows of the streams the sweep must not touch. */
async function survivors(knex: Knex): Promise<string> {
  const { rows } = await knex.raw<{ rows: unknown[] }>(`
    SELECT (SELECT count(*) || ':' || sum(hashtext(p.id::text || p.text || p.position)) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM bench_expired x WHERE x.stream_id = 'post:' || p.id)) AS posts,
           (SELECT count(*) || ':' || sum(hashtext(k.stream_id || k.owner || encode(k.wrapped_key, 'hex'))) FROM stream_keys k WHERE k.stream_id LIKE 'post:%' AND NOT EXISTS (SELECT 1 FROM bench_expired x WHERE x.stream_id = k.stream_id)) AS keys,
           (SELECT count(*) || ':' || sum(hashtext(r.stream_id || r.last_at::text || r.people::text)) FROM retention_streams r WHERE NOT EXISTS (SELECT 1 FROM bench_expired x WHERE x.stream_id = r.stream_id)) AS streams`);
  return JSON.stringify(rows[0]);
}

async function counts(knex: Knex): Promise<Record<string, number>> {
  const { rows } = await knex.raw<{ rows: Record<string, string>[] }>(`
    SELECT (SELECT count(*) FROM events WHERE type = 'ContentShredded') AS receipts,
           (SELECT count(*) FROM events e JOIN bench_expired x USING (stream_id) WHERE e.type = 'ContentShredded' AND e.stream_version = 2) AS receipts_of_expired_at_version_2,
           (SELECT count(*) FROM events WHERE type = 'PostCreated') AS post_events,
           (SELECT count(*) FROM stream_keys k JOIN bench_expired x USING (stream_id)) AS keys_of_expired,
           (SELECT count(*) FROM posts p JOIN bench_expired x ON x.stream_id = 'post:' || p.id) AS posts_of_expired,
           (SELECT count(*) FROM retention_streams r JOIN bench_expired x USING (stream_id)) AS streams_of_expired,
           (SELECT count(*) FROM posts) AS posts,
           (SELECT count(*) FROM stream_keys WHERE stream_id LIKE 'post:%') AS post_keys`);
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const s1 = (n: number) => n.toFixed(1);

function describeMeasurement(name: string, m: RetentionMeasurement): string[] {
  const lines = [`${name}: ${s1(m.seconds)} s, ${fmt(m.shredded / m.seconds)} streams/s; expired ${fmt(m.expired)}, held ${m.held}, shredded ${fmt(m.shredded)}, renewed ${m.renewed}; peak RSS ${fmt(m.maxRssMb)} MB; CPU ${s1(m.cpuSeconds)} s`];
  if (!m.dryRun) lines.push(`  wall: ${m.wall.batches} batches; hold barrier and check ${s1(m.wall.holdCheck)} s, shredding ${s1(m.wall.shred)} s (of it waiting for the projector ${s1(m.wall.waitForProjector)} s)`);
  for (const [kind, t] of Object.entries(m.sql).sort((a, b) => b[1].seconds - a[1].seconds)) lines.push(`  ${kind.padEnd(36)} ${s1(t.seconds).padStart(6)} s in ${fmt(t.statements).padStart(7)} statements`);
  return lines;
}

const outcome = await withScratchDatabase(ADMIN_URL, 'flurfunk_bench_retention', async (databaseUrl) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-retention-bench-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, FLURFUNK_DATA_DIR: work, NODE_ENV: 'production', LOG_LEVEL: 'error', POLICY_DIR: path.resolve('policies') });
  try {
    const runStarted = performance.now();
    console.log(`Seeding ${fmt(POSTS)} posts (load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
    const { policyVersion, classifications } = await prepare(config);
    const seeded = await seedPosts(config, spans(Date.now()), classifications, policyVersion, say);

    const db = await openDatabase({ databaseUrl, dataDir: work, poolMax: 4 });
    try {
      const knex = db.knex;
      // The streams expired now under the shipped rules, worked out here in plain SQL (not by the sweeper), for the checks.
      const now = new Date();
      await knex.raw(
        `CREATE TABLE bench_expired AS SELECT stream_id FROM retention_streams WHERE (space_id = 'hr' AND last_at < ?) OR (space_id <> 'hr' AND last_at < ?)`,
        [cutoff(now, 'P6M'), cutoff(now, 'P2Y')],
      );
      await knex.raw('ALTER TABLE bench_expired ADD PRIMARY KEY (stream_id)');
      const expected = Number((await knex('bench_expired').count({ n: '*' }))[0]!.n);
      if (expected !== POSTS / 10) throw new Error(`the seed should leave ${POSTS / 10} expired posts, found ${expected}`);
      const before = await survivors(knex);

      console.log(`\nDry run, then the sweep (load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
      const dry = await inChild('dry', databaseUrl, work);
      for (const line of describeMeasurement('dry run', dry)) say(line);
      const run = await inChild('run', databaseUrl, work);
      for (const line of describeMeasurement('sweep', run)) say(line);

      const after = await counts(knex);
      const untouched = (await survivors(knex)) === before;
      const checks = {
        'dry run lists what the run shredded': dry.itemsHash === run.itemsHash && dry.shredded === run.shredded,
        [`${fmt(expected)} receipts, each at its stream's version`]: after.receipts === expected && after.receipts_of_expired_at_version_2 === expected,
        'keys, posts and retention rows of the expired gone': after.keys_of_expired === 0 && after.posts_of_expired === 0 && after.streams_of_expired === 0,
        [`the other ${fmt(POSTS - expected)} untouched (counts and row hashes)`]: untouched && after.posts === POSTS - expected && after.post_keys === POSTS - expected,
        'no PostCreated event lost': after.post_events === POSTS,
      };
      console.log(`\nChecks (load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
      for (const [what, ok] of Object.entries(checks)) say(`${ok ? 'ok    ' : 'FAILED'} ${what}`);
      const certificate = new crypto.X509Certificate(fs.readFileSync(config.keys.signingCertFile));
      const verify = await verifyChain(knex, { certificates: [certificate], checkpointFile: config.checkpoints.file });
      say(`${verify.ok ? 'ok    ' : 'FAILED'} events verify: ${fmt(verify.events)} events, ${verify.checkpoints.database} checkpoints, in ${s1(verify.elapsedMs / 1000)} s`);

      console.log(`\nRaw baseline (load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
      const baseline: BaselineResult = await rawBaseline(knex, expected, BATCH ?? 500);
      say(`raw SQL, ${fmt(baseline.streams)} streams in batches of ${baseline.batch}: ${s1(baseline.seconds)} s (deletes and receipt inserts ${s1(baseline.writeSeconds)} s, VACUUM ${s1(baseline.vacuumSeconds)} s), ${fmt(baseline.streams / baseline.seconds)} streams/s`);

      console.log(`\nResult (load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; whole run ${s1((performance.now() - runStarted) / 1000)} s)`);
      say(`sweep: ${s1(run.seconds)} s for ${fmt(run.shredded)} of ${fmt(POSTS)} posts; ${(run.seconds / baseline.seconds).toFixed(2)}× the raw baseline; peak RSS ${fmt(run.maxRssMb)} MB`);
      say(`dry run: ${s1(dry.seconds)} s; peak RSS ${fmt(dry.maxRssMb)} MB`);
      say(`target: a sweep over 1,000,000 posts with 100,000 expired in under ${TARGET_SECONDS} s: ${POSTS !== 1_000_000 ? 'not this size' : run.seconds < TARGET_SECONDS ? 'met' : 'MISSED'}`);
      const failed = Object.values(checks).some((ok) => !ok) || !verify.ok;
      if (failed) process.exitCode = 1;
      return { ran: true, seeded };
    } finally {
      await db.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
if ('reason' in outcome) {
  console.error(outcome.reason);
  process.exitCode = 1;
}
