// Keeping export files from lingering: a finished export nobody fetched is removed when its
// time is up (AuditExportRemoved, "expired"); a job that has shown no result for an hour lost
// its process and is recorded as failed ("interrupted"); work folders and files that no
// ready export owns (left by a crash) are deleted. Runs in every server process; each step
// appends at the version it read, so two processes cannot both record one ending.
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { WrongExpectedVersionError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { Logger } from '../log/logger.js';
import { exportStream, INTERRUPTED_AFTER_MS, removeExport, streamState } from './export-jobs.js';
import { runPeriodically } from '../periodic.js';

const EVERY_MS = 5 * 60_000;
const ACTOR = 'system:housekeeping';

export interface ExportSweep {
  readonly expired: number;
  readonly interrupted: number;
  readonly strayFiles: number;
}

export async function sweepExports(knex: Knex, store: EventStore, dir: string, now: Date): Promise<ExportSweep> {
  let expired = 0;
  let interrupted = 0;
  const due = await knex('audit_exports').where({ state: 'ready' }).where('expires_at', '<=', now).select<{ id: string }[]>('id');
  for (const { id } of due) if (await removeExport({ store, dir }, id, 'expired', { actor: ACTOR })) expired++;
  const stale = await knex('audit_exports').where({ state: 'running' }).where('requested_at', '<', new Date(now.getTime() - INTERRUPTED_AFTER_MS)).select<{ id: string }[]>('id');
  for (const { id } of stale) {
    const current = await streamState(store, id);
    if (current.state !== 'running') continue;
    try {
      await store.append(exportStream(id), [{ type: 'AuditExportFailed', data: { exportId: id, reason: 'interrupted' } }], { expectedVersion: current.version, actor: ACTOR });
      interrupted++;
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err; // it finished meanwhile
    }
  }
  let strayFiles = 0;
  if (fs.existsSync(dir)) {
    const ready = new Set((await knex('audit_exports').whereIn('state', ['ready', 'running']).select<{ id: string }[]>('id')).map((r) => `${r.id}.zip`));
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const old = fs.statSync(file).mtimeMs < now.getTime() - INTERRUPTED_AFTER_MS;
      if ((name.startsWith('.flurfunk-export-') && old) || (name.endsWith('.zip') && !ready.has(name) && old)) {
        fs.rmSync(file, { recursive: true, force: true });
        strayFiles++;
      }
    }
  }
  return { expired, interrupted, strayFiles };
}

/** Sweeps now and every five minutes; returns the function that stops it (after a sweep in progress). */
export function startExportHousekeeping(knex: Knex, store: EventStore, dir: string, clock: () => Date, logger: Logger): () => Promise<void> {
  return runPeriodically(
    {
      name: 'audit export housekeeping',
      everyMs: EVERY_MS,
      async run() {
        const result = await sweepExports(knex, store, dir, clock());
        if (result.expired + result.interrupted + result.strayFiles > 0) logger.info(result, 'audit export housekeeping');
      },
    },
    logger,
  );
}
