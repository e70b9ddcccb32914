// Append benchmark: raw single-row INSERTs as the baseline, chained appends through the real
// EventStore with 1, 8 and 64 concurrent writers, and `events verify` over what was written,
// on the embedded PGlite and on a PostgreSQL server in the same run. Prints a table and
// writes the same figures to bench/results/latest.json. Method and findings: bench/README.md.
//
//   npm run bench                        PGlite, then postgres://postgres@127.0.0.1:5432/test
//   DATABASE_URL=postgres://… npm run bench
//   BENCH_SECONDS=10 npm run bench       longer measurements (default 5 s, warm-up 1 s)
import { describeUrl, withScratchDatabase } from './postgres-admin.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { loadConfig } from '../src/config/config.js';
import { verifyChain, type VerifyReport } from '../src/events/verify-chain.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import { loadOrCreateSigningKey } from '../src/keys/signing-key.js';
import { createLogger } from '../src/log/logger.js';
import { startRuntime, type Runtime } from '../src/runtime.js';

const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
const WARMUP_MS = seconds('BENCH_WARMUP_SECONDS', 1) * 1000;
const MEASURE_MS = seconds('BENCH_SECONDS', 5) * 1000;
/** Raw and chained runs that are compared alternate in slices of this length (see measurePair). */
const SLICE_MS = 1000;
const WRITER_COUNTS = [1, 8, 64] as const;
const MANY = 64;
/** The store's pool on PostgreSQL: room for 64 raw clients plus NOTIFY and checkpoints. */
const POOL_MAX_POSTGRES = 70;
/** Streams the writers spread over, round robin. */
const STREAMS = 100;
/** Events verify must see at least; topped up with big multi-event appends if the runs wrote fewer. */
const VERIFY_MIN_EVENTS = 50_000;
const FILL_EVENTS_PER_APPEND = 500;
const FILL_CONCURRENCY = 4;

const TARGETS = { singleWriterRatio: 0.5, manyWritersRatio: 1, verifyPerSecond: 50_000 } as const;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(benchDir, 'results', 'latest.json');
const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'error');

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
// Measuring

type Operation = (loop: number) => Promise<void>;

interface Measurement {
  readonly concurrency: number;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  /** CPU time of this Node process per wall-clock second (1.0 = one core busy); PGlite runs in it. */
  readonly nodeCpu: number;
}

/** Sums any number of timed slices of one operation into one Measurement. */
class Tally {
  private operations = 0;
  private elapsedMs = 0;
  private cpuMicros = 0;
  private readonly latencies: number[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly op: Operation,
  ) {}

  /** Runs `concurrency` loops for `ms`; a loop starts no operation after the deadline, and the slice ends when the last one has finished. */
  async slice(ms: number, record = true): Promise<void> {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + ms;
    let operations = 0;
    let failed = false;
    const latencies: number[] = [];
    const settled = await Promise.allSettled(
      Array.from({ length: this.concurrency }, async (_, loop) => {
        while (!failed && performance.now() < deadline) {
          const t = performance.now();
          try {
            await this.op(loop);
          } catch (err) {
            failed = true;
            throw err;
          }
          latencies.push(performance.now() - t);
          operations++;
        }
      }),
    );
    // Every loop has stopped before the first error is passed on, so nothing is left in flight.
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    if (!record) return;
    const cpu = process.cpuUsage(cpuBefore);
    this.elapsedMs += performance.now() - started;
    this.cpuMicros += cpu.user + cpu.system;
    this.operations += operations;
    for (const l of latencies) this.latencies.push(l);
  }

  result(): Measurement {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 2);
    return {
      concurrency: this.concurrency,
      operations: this.operations,
      seconds: round(this.elapsedMs / 1000, 2),
      perSecond: Math.round((this.operations / this.elapsedMs) * 1000),
      latencyMs: { p50: pct(0.5), p99: pct(0.99) },
      nodeCpu: round(this.cpuMicros / 1000 / this.elapsedMs, 2),
    };
  }
}

async function measure(concurrency: number, op: Operation): Promise<Measurement> {
  const tally = new Tally(concurrency, op);
  await tally.slice(WARMUP_MS, false);
  await tally.slice(MEASURE_MS);
  return tally.result();
}

/**
 * Measures two operations whose rates are to be compared in alternating slices (A B B A A B …),
 * so that both see the same machine: on a shared VM the fsync latency, and with it the rate of
 * both, drifts by a factor of two within minutes.
 */
async function measurePair(concurrency: number, a: Operation, b: Operation): Promise<[Measurement, Measurement]> {
  const ta = new Tally(concurrency, a);
  const tb = new Tally(concurrency, b);
  await ta.slice(WARMUP_MS, false);
  await tb.slice(WARMUP_MS, false);
  const slices = Math.max(1, Math.round(MEASURE_MS / SLICE_MS));
  for (let i = 0; i < slices; i++) {
    for (const t of i % 2 === 0 ? [ta, tb] : [tb, ta]) await t.slice(MEASURE_MS / slices);
  }
  return [ta.result(), tb.result()];
}

// ---------------------------------------------------------------------------------------------
// What is measured

/** A plain table whose rows are about the size of an event row (~330 bytes), one index. */
const RAW_TABLE = `
  CREATE TABLE bench_raw (
    id         bigint PRIMARY KEY,
    stream_id  text   NOT NULL,
    data       jsonb  NOT NULL,
    payload    bytea,
    prev_hash  text   NOT NULL,
    hash       text   NOT NULL
  )`;

function rawInsert(knex: Knex): Operation {
  // One counter for the table's lifetime: every warm-up and measurement goes on from the last id.
  let id = 0;
  const payload = crypto.randomBytes(60);
  let prevHash = '0'.repeat(64);
  return async (loop) => {
    const n = ++id;
    const hash = crypto.createHash('sha256').update(`${prevHash}${n}`).digest('hex');
    const row = [n, `bench-${n % STREAMS}`, JSON.stringify({ writer: loop, n, kind: 'bench' }), payload, prevHash, hash];
    prevHash = hash;
    await knex.raw('INSERT INTO bench_raw (id, stream_id, data, payload, prev_hash, hash) VALUES (?, ?, ?::jsonb, ?, ?, ?)', row);
  };
}

function chainedAppend(runtime: Runtime): Operation {
  let n = 0;
  return async (loop) => {
    const k = ++n;
    // Personal text of ~30 characters seals to ~60 bytes of payload, like the raw rows' bytea.
    await runtime.store.append(`bench-${k % STREAMS}`, [{ type: 'Benchmarked', data: { writer: loop, n: k, kind: 'bench' }, personal: { text: `Beitrag ${k} von Schreiber ${loop}` } }], {
      expectedVersion: 'any',
      actor: `user:bench-${loop}`,
    });
  };
}

/** Tops the chain up to `min` events with big multi-event appends, so verify has enough to chew on. */
async function fillTo(runtime: Runtime, min: number): Promise<number> {
  let position = (await runtime.store.head()).position;
  let batch = 0;
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async (_, loop) => {
      while (position < min) {
        const b = ++batch;
        const events = Array.from({ length: FILL_EVENTS_PER_APPEND }, (_, i) => ({
          type: 'Benchmarked',
          data: { writer: loop, n: i, kind: 'fill' },
          personal: { text: `Füllbeitrag ${i} aus Stapel ${b}` },
        }));
        const result = await runtime.store.append(`fill-${b % STREAMS}`, events, { expectedVersion: 'any', actor: `user:fill-${loop}` });
        position = Math.max(position, result.events[result.events.length - 1]!.position);
      }
    }),
  );
  return position;
}

// ---------------------------------------------------------------------------------------------
// One database

type Kind = 'pglite' | 'postgres';

interface VerifyFigures {
  readonly events: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly ok: boolean;
}

interface TargetCheck {
  readonly target: string;
  readonly value: number | null;
  readonly met: boolean | null;
}

interface DatabaseResult {
  readonly kind: Kind;
  readonly ran: true;
  readonly serverVersion: string;
  readonly raw: Record<string, Measurement>;
  readonly chained: Record<string, Measurement>;
  /** Events in the chain when verify ran. */
  readonly chainEvents: number;
  /** Rate of the top-up appends (events/s), or null when the measurements had written enough. */
  readonly fillPerSecond: number | null;
  readonly verify: {
    /** First pass, with the planner statistics as found (PGlite has no autovacuum: never analyzed). */
    readonly asFound: VerifyFigures;
    /** After ANALYZE events, as on a server whose autovacuum has run: the figure for the target. */
    readonly analyzed: VerifyFigures;
  };
  readonly ratios: { readonly writers1VsRaw1: number; readonly writers64VsRaw64: number | null; readonly writers64VsRaw1: number };
  readonly targets: { readonly singleWriter: TargetCheck; readonly manyWriters: TargetCheck; readonly verify: TargetCheck };
}

interface Skipped {
  readonly kind: Kind;
  readonly ran: false;
  readonly reason: string;
}

interface Target {
  readonly kind: Kind;
  /** A fresh database on the server, or undefined for PGlite in a fresh data folder. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

async function benchDatabase(target: Target, keyEnv: Record<string, string>): Promise<DatabaseResult> {
  const { kind } = target;
  const say = (line: string) => console.log(`  [${kind}] ${line}`);
  const env: Record<string, string> = { ...keyEnv, FLURFUNK_DATA_DIR: target.dataDir, NODE_ENV: 'production', LOG_LEVEL: 'error' };
  if (target.databaseUrl) Object.assign(env, { DATABASE_URL: target.databaseUrl, DATABASE_POOL_MAX: String(POOL_MAX_POSTGRES) });
  const config = loadConfig(env);
  // The benchmark appends a made-up type (Benchmarked): the catalogue check is off, as for the bare store's tests.
  const runtime = await startRuntime(config, logger, { migrate: true, eventCatalogue: 'off' });
  try {
    // The raw baseline goes through the store's own knex (same driver, pool and knex.raw path),
    // into a plain table next to `events`.
    const knex = runtime.db.knex;
    const serverVersion = (await knex.raw<{ rows: { v: string }[] }>('SELECT version() AS v')).rows[0]!.v;
    await knex.raw(RAW_TABLE);
    const insert = rawInsert(knex);
    const append = chainedAppend(runtime);
    const raw: Record<string, Measurement> = {};
    const chained: Record<string, Measurement> = {};
    const report = (what: string, m: Measurement) => say(`${what.padEnd(27)} ${describe(m)}`);

    for (const writers of WRITER_COUNTS) {
      // Raw and chained alternate where their ratio is a target; PGlite has one connection, so no raw 64.
      const pairWithRaw = writers === 1 || (writers === MANY && kind === 'postgres');
      if (pairWithRaw) {
        [raw[writers], chained[writers]] = await measurePair(writers, insert, append);
        report(`raw INSERT, ${writers} client${writers === 1 ? '' : 's'}`, raw[writers]);
      } else {
        chained[writers] = await measure(writers, append);
      }
      report(`chained append, ${writers} writer${writers === 1 ? '' : 's'}`, chained[writers]);
    }

    const fillStarted = performance.now();
    const before = (await runtime.store.head()).position;
    const chainEvents = await fillTo(runtime, VERIFY_MIN_EVENTS);
    const fillPerSecond = chainEvents > before ? Math.round(((chainEvents - before) / (performance.now() - fillStarted)) * 1000) : null;
    say(`chain holds ${chainEvents} events${fillPerSecond === null ? '' : ` (${chainEvents - before} topped up in ${FILL_EVENTS_PER_APPEND}-event appends at ${fillPerSecond} events/s)`}`);

    const options = { certificates: [runtime.signingKey.certificate], checkpointFile: config.checkpoints.file };
    const asFound = verifyFigures(await verifyChain(knex, options));
    await knex.raw('ANALYZE events');
    const analyzed = verifyFigures(await verifyChain(knex, options));
    for (const [what, v] of [['statistics as found', asFound], ['after ANALYZE', analyzed]] as const) {
      say(`verify, ${what.padEnd(19)} ${String(v.perSecond).padStart(6)} events/s  (${v.events} events in ${v.seconds} s)${v.ok ? '' : ' — CHAIN DOES NOT VERIFY'}`);
    }

    const ratio = (a: number, b: number) => round(a / b, 3);
    const writers1VsRaw1 = ratio(chained[1]!.perSecond, raw[1]!.perSecond);
    const writers64VsRaw64 = raw[MANY] ? ratio(chained[MANY]!.perSecond, raw[MANY].perSecond) : null;
    return {
      kind,
      ran: true,
      serverVersion,
      raw,
      chained,
      chainEvents,
      fillPerSecond,
      verify: { asFound, analyzed },
      ratios: { writers1VsRaw1, writers64VsRaw64, writers64VsRaw1: ratio(chained[MANY]!.perSecond, raw[1]!.perSecond) },
      targets: {
        singleWriter: { target: `1 writer chained >= ${TARGETS.singleWriterRatio * 100}% of raw INSERT, 1 client`, value: writers1VsRaw1, met: writers1VsRaw1 >= TARGETS.singleWriterRatio },
        manyWriters: { target: `${MANY} writers chained > raw INSERT, ${MANY} clients`, value: writers64VsRaw64, met: writers64VsRaw64 === null ? null : writers64VsRaw64 > TARGETS.manyWritersRatio },
        verify: { target: `verify >= ${TARGETS.verifyPerSecond} events/s`, value: analyzed.perSecond, met: analyzed.ok && analyzed.perSecond >= TARGETS.verifyPerSecond },
      },
    };
  } finally {
    await runtime.close();
  }
}

function verifyFigures(r: VerifyReport): VerifyFigures {
  if (!r.ok) {
    const problems = [...r.checkpointProblems, ...(r.chainBreak ? [`chain break at ${r.chainBreak.position}: ${r.chainBreak.reason}`] : [])];
    console.error(`  verify reports problems: ${problems.join('; ')}`);
  }
  return { events: r.events, seconds: round(r.elapsedMs / 1000, 2), perSecond: Math.round((r.events / r.elapsedMs) * 1000), ok: r.ok };
}

function describe(m: Measurement): string {
  return `${String(m.perSecond).padStart(6)}/s  (${m.operations} in ${m.seconds} s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, node CPU ${m.nodeCpu})`;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: a database of our own on the server, dropped at the end whatever happens


async function benchPostgres(adminUrl: string, root: string, keyEnv: Record<string, string>): Promise<DatabaseResult | Skipped> {
  return withScratchDatabase(adminUrl, 'flurfunk_bench', (databaseUrl) => benchDatabase({ kind: 'postgres', databaseUrl, dataDir: path.join(root, 'postgres') }, keyEnv));
}

// ---------------------------------------------------------------------------------------------
// Report

function printTable(results: (DatabaseResult | Skipped)[]): void {
  const rows: string[][] = [['database', 'measurement', 'per second', 'vs raw', 'p50 ms', 'p99 ms', 'node CPU']];
  for (const r of results) {
    if (!r.ran) {
      rows.push([r.kind, 'not run', '', '', '', '', '']);
      continue;
    }
    const plural = (n: string, word: string) => `${n} ${word}${n === '1' ? '' : 's'}`;
    for (const [clients, m] of Object.entries(r.raw)) rows.push([r.kind, `raw INSERT, ${plural(clients, 'client')}`, String(m.perSecond), '', String(m.latencyMs.p50), String(m.latencyMs.p99), String(m.nodeCpu)]);
    for (const [writers, m] of Object.entries(r.chained)) {
      const base = r.raw[writers];
      const vs = base ? (m.perSecond / base.perSecond).toFixed(2) : `(${(m.perSecond / r.raw[1]!.perSecond).toFixed(2)} vs 1)`;
      rows.push([r.kind, `chained, ${plural(writers, 'writer')}`, String(m.perSecond), vs, String(m.latencyMs.p50), String(m.latencyMs.p99), String(m.nodeCpu)]);
    }
    rows.push([r.kind, `verify, ${r.verify.asFound.events} events, as found`, String(r.verify.asFound.perSecond), '', '', '', '']);
    rows.push([r.kind, `verify, after ANALYZE`, String(r.verify.analyzed.perSecond), '', '', '', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(`\n${line(rows[0]!)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows.slice(1)) console.log(line(row));

  console.log('\nTargets');
  for (const r of results) {
    if (!r.ran) {
      console.log(`  [${r.kind}] not run`);
      continue;
    }
    for (const t of Object.values(r.targets)) {
      const verdict = t.met === null ? 'n/a' : t.met ? 'MET' : 'MISSED';
      const value = t.value === null ? 'n/a, one connection' : t.target.startsWith('verify') ? `${t.value} events/s` : `ratio ${t.value.toFixed(3)}`;
      console.log(`  [${r.kind}] ${t.target}: ${value} -> ${verdict}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-bench-'));
  const adminUrl = process.env.DATABASE_URL || DEFAULT_POSTGRES_URL;
  const startedAt = new Date();
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  console.log(`Flurfunk append bench: ${MEASURE_MS / 1000} s per measurement after ${WARMUP_MS / 1000} s warm-up; ${os.cpus().length} CPUs, node ${process.version}`);
  try {
    // The keys are made once and shared by both databases: RSA key generation takes seconds.
    const keys = path.join(root, 'keys');
    const keyEnv = {
      FLURFUNK_INSTALLATION_KEY_FILE: path.join(keys, 'installation.key'),
      FLURFUNK_SIGNING_KEY_FILE: path.join(keys, 'signing-key.pem'),
      FLURFUNK_SIGNING_CERT_FILE: path.join(keys, 'signing-cert.pem'),
    };
    loadOrCreateInstallationKey(keyEnv.FLURFUNK_INSTALLATION_KEY_FILE);
    loadOrCreateSigningKey(keyEnv.FLURFUNK_SIGNING_KEY_FILE, keyEnv.FLURFUNK_SIGNING_CERT_FILE);

    const results: (DatabaseResult | Skipped)[] = [];
    console.log(`\nPGlite (embedded, fresh data folder in ${root})`);
    results.push(await benchDatabase({ kind: 'pglite', databaseUrl: undefined, dataDir: path.join(root, 'pglite') }, keyEnv));

    console.log(`\nPostgreSQL (${describeUrl(adminUrl)}, fresh database flurfunk_bench_${process.pid})`);
    const postgres = await benchPostgres(adminUrl, root, keyEnv);
    if (!postgres.ran) console.log(`  PostgreSQL part NOT RUN: ${postgres.reason}`);
    results.push(postgres);

    printTable(results);

    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings: { warmupSeconds: WARMUP_MS / 1000, measureSeconds: MEASURE_MS / 1000, sliceSeconds: SLICE_MS / 1000, streams: STREAMS, postgresPoolMax: POOL_MAX_POSTGRES, verifyMinEvents: VERIFY_MIN_EVENTS },
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: round(os.totalmem() / 2 ** 30, 1), loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) }, node: process.version, platform: `${os.platform()} ${os.release()}` },
      targets: TARGETS,
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
