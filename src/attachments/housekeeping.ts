// Keeping uploads from piling up: chunks whose upload never became an event (the process died
// mid-upload) are removed after an hour; files uploaded but never attached to a post or message
// are discarded after a day, with an AttachmentDiscarded event saying so. Runs in every server
// process; each step is safe to run twice or in two processes at once.
import type { Knex } from 'knex';
import type { EventStore } from '../events/event-store.js';
import { rawRows } from '../db/values.js';
import type { Logger } from '../log/logger.js';
import { attachmentStream } from './upload.js';
import { runPeriodically } from '../periodic.js';

export const ORPHAN_AFTER_MS = 3_600_000;
export const UNATTACHED_KEEP_MS = 24 * 3_600_000;
const EVERY_MS = 10 * 60_000;
const BATCH = 100;

export interface SweepResult {
  /** Chunk rows removed that no AttachmentUploaded event names. */
  readonly orphanChunks: number;
  /** Uploads discarded because nothing attached them in time. */
  readonly discarded: number;
}

export async function sweepAttachments(knex: Knex, store: EventStore, now: Date): Promise<SweepResult> {
  const removed = await rawRows(
    knex,
    `DELETE FROM attachment_chunks c WHERE c.created_at < ?
       AND NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = 'attachment:' || c.attachment_id::text)
     RETURNING 1`,
    [new Date(now.getTime() - ORPHAN_AFTER_MS)],
  );
  const orphanChunks = removed.length;
  const stale: { id: string }[] = await knex('attachments')
    .whereNull('post_id')
    .whereNull('message_id')
    .where('created_at', '<', new Date(now.getTime() - UNATTACHED_KEEP_MS))
    .orderBy('position')
    .limit(BATCH)
    .select('id');
  for (const { id } of stale) {
    await store.append(attachmentStream(id), [{ type: 'AttachmentDiscarded', data: { attachmentId: id, reason: 'never attached' } }], { expectedVersion: 'any', actor: 'system:housekeeping' });
    await knex('attachment_chunks').where({ attachment_id: id }).delete();
  }
  return { orphanChunks, discarded: stale.length };
}

/** Sweeps now and every ten minutes; returns the function that stops it (after a sweep in progress). */
export function startAttachmentHousekeeping(knex: Knex, store: EventStore, clock: () => Date, logger: Logger): () => Promise<void> {
  return runPeriodically(
    {
      name: 'attachment housekeeping',
      everyMs: EVERY_MS,
      async run() {
        const result = await sweepAttachments(knex, store, clock());
        if (result.orphanChunks > 0 || result.discarded > 0) logger.info(result, 'attachment housekeeping');
      },
    },
    logger,
  );
}
