// One measured retention sweep (or dry run), in a process of its own so that its peak memory is
// its own: what `flurfunk retention run [--dry-run]` does (the runtime, the real projector over
// every read model, the real LegalHolds, sweep() as runRetention calls it on the schedule's
// authority), with the time it spends taken apart: every statement is timed by kind (knex's
// query events), the legal-hold barrier and the waits for the projector by wrappers around
// the real parts. Prints one line of JSON (RetentionMeasurement).
import crypto from 'node:crypto';
import path from 'node:path';
import type { Knex } from 'knex';
import { loadConfig } from '../src/config/config.js';
import { Projector } from '../src/events/projector.js';
import { createLogger } from '../src/log/logger.js';
import { projections } from '../src/read-models.js';
import type { Holds } from '../src/retention/held.js';
import { LegalHolds } from '../src/retention/legal-holds.js';
import { RETENTION_ACTOR, sweep } from '../src/retention/sweep.js';
import { startRuntime } from '../src/runtime.js';

export interface RetentionMeasurement {
  readonly dryRun: boolean;
  readonly seconds: number;
  readonly expired: number;
  readonly held: number;
  readonly shredded: number;
  readonly renewed: number;
  /** SHA-256 of the sorted stream ids the report lists: a dry run and a run must agree. */
  readonly itemsHash: string;
  readonly maxRssMb: number;
  readonly cpuSeconds: number;
  /** Seconds spent in statements of each kind (summed; statements of one kind may overlap) and how many. */
  readonly sql: Record<string, { seconds: number; statements: number }>;
  /** Wall seconds: inside the hold barrier but outside the shred (locks and the hold read), inside shredBatch, of that waiting for the projector. */
  readonly wall: { readonly holdCheck: number; readonly shred: number; readonly waitForProjector: number; readonly batches: number };
}

/** The kind of a statement, for the breakdown. */
function kindOf(sql: string): string {
  if (/retention_streams/.test(sql) && /^select/i.test(sql)) return 'plan (retention_streams)';
  if (/LegalHoldPlaced|pg_advisory_xact_lock_shared/.test(sql)) return 'hold check (lock, hold events)';
  if (/max\(stream_version\)/.test(sql)) return 'fresh versions (events)';
  if (/^select .* from "stream_keys"/i.test(sql)) return 'key fingerprints (stream_keys)';
  if (/refuse|ContentShredded/.test(sql) && /^select/i.test(sql)) return 'append: refusal check';
  if (/flurfunk_append/.test(sql)) return 'append (flurfunk_append)';
  if (/^delete/i.test(sql)) return 'projection: deletes';
  if (/projection_positions/.test(sql)) return 'projection: positions';
  if (/from "events"|FROM events/.test(sql) && /^select/i.test(sql)) return 'reads of events (projector, live)';
  if (/^vacuum/i.test(sql)) return 'VACUUM';
  if (/^(begin|commit|rollback)/i.test(sql)) return 'BEGIN/COMMIT';
  return 'other';
}

function timeStatements(knex: Knex): Record<string, { seconds: number; statements: number }> {
  const totals: Record<string, { seconds: number; statements: number }> = {};
  const started = new Map<string, { at: number; kind: string }>();
  knex.on('query', (q: { __knexQueryUid: string; sql: string }) => started.set(q.__knexQueryUid, { at: performance.now(), kind: kindOf(q.sql.trim()) }));
  const done = (_: unknown, q: { __knexQueryUid: string }) => {
    const s = started.get(q.__knexQueryUid);
    if (!s) return;
    started.delete(q.__knexQueryUid);
    const t = (totals[s.kind] ??= { seconds: 0, statements: 0 });
    t.seconds += (performance.now() - s.at) / 1000;
    t.statements++;
  };
  knex.on('query-response', done);
  knex.on('query-error', done);
  return totals;
}

export async function measure(mode: 'dry' | 'run', databaseUrl: string, dataDir: string, batchSize: number | undefined): Promise<RetentionMeasurement> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, FLURFUNK_DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'error', POLICY_DIR: path.resolve('policies') });
  const logger = createLogger(process.env.BENCH_LOG_LEVEL ?? 'error');
  const runtime = await startRuntime(config, logger, { migrate: false, policy: { watch: false } });
  const projector = await Projector.start(runtime.db.knex, runtime.store, projections, logger);
  try {
    await projector.waitFor((await runtime.store.head()).position);
    const sql = timeStatements(runtime.db.knex);
    const wall = { holdCheck: 0, shred: 0, waitForProjector: 0, batches: 0 };
    const legalHolds = new LegalHolds(runtime.db);
    // The real holds; the wrapper only reads the clock around the barrier and the shred inside it.
    const holds: Holds = {
      unlessHeld: (c, shred) => legalHolds.unlessHeld(c, shred),
      coveringEach: (cs) => legalHolds.coveringEach(cs),
      covering: (c) => legalHolds.covering(c),
      async unlessHeldEach(candidates, shred) {
        const started = performance.now();
        let inside = 0;
        const result = await legalHolds.unlessHeldEach(candidates, async (unheld) => {
          const s = performance.now();
          try {
            await shred(unheld);
          } finally {
            inside = performance.now() - s;
          }
        });
        wall.holdCheck += (performance.now() - started - inside) / 1000;
        wall.shred += inside / 1000;
        wall.batches++;
        return result;
      },
    };
    const waitFor = async (position: number) => {
      const s = performance.now();
      await projector.waitFor(position);
      wall.waitForProjector += (performance.now() - s) / 1000;
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    // As runRetention does it for the schedule (caller undefined): the active policy, the runtime's clock, system:retention.
    const report = await sweep(
      { db: runtime.db, store: runtime.store, holds, logger: runtime.logger, waitFor },
      { policy: runtime.policy!.current, now: runtime.clock(), dryRun: mode === 'dry', trigger: 'cli', actor: RETENTION_ACTOR, batchSize },
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const ids = report.items.map((i) => i.streamId).sort();
    return {
      dryRun: report.dryRun,
      seconds,
      expired: report.expired,
      held: report.held,
      shredded: report.shredded,
      renewed: report.renewed,
      itemsHash: crypto.createHash('sha256').update(ids.join('\n')).digest('hex'),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: (used.user + used.system) / 1e6,
      sql,
      wall,
    };
  } finally {
    await projector.stop();
    await runtime.close();
  }
}
