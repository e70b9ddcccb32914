// The retention bench's raw baseline: the same effect as a sweep, in plain SQL and without
// Flurfunk, for as many streams: by a list worked out beforehand (not timed), per batch one
// transaction that deletes the streams' keys, retention rows and posts rows and inserts as many
// receipt rows into `events` (a receipt's size, made-up hashes: no chain, no version check, no
// hold check, no projector), then VACUUM of the tables the sweeper vacuums. It runs on the
// scratch database after the sweep and its checks, on streams the sweep kept (the tables are
// then 900,000 posts instead of 1,000,000), and breaks the chain there, which is dropped next.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { INSERT_EVENTS } from './microblog-seed.js';

/** The tables sweep.ts vacuums after a real run. */
const VACUUMED = ['stream_keys', 'retention_streams', 'posts', 'comments', 'post_reports', 'notifications', 'conversations', 'messages', 'attachments', 'attachment_chunks'];

export interface BaselineResult {
  readonly streams: number;
  readonly batch: number;
  readonly seconds: number;
  readonly writeSeconds: number;
  readonly vacuumSeconds: number;
}

export async function rawBaseline(knex: Knex, count: number, batch: number): Promise<BaselineResult> {
  const rows = await knex<{ stream_id: string; kind: string; last_at: Date }>('retention_streams').where({ kind: 'post' }).orderBy([{ column: 'last_at' }, { column: 'stream_id' }]).limit(count).select('stream_id', 'last_at');
  if (rows.length !== count) throw new Error(`baseline: only ${rows.length} streams left to delete`);
  const head = await knex('events').max({ p: 'position' }).first();
  let position = Number(head!.p);
  const fingerprint = () => crypto.randomBytes(32).toString('hex');
  const batches: { streams: string[]; posts: string[]; receiptsJson: string }[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    const receipts = slice.map((r) => {
      const postId = r.stream_id.slice('post:'.length);
      return {
        position: ++position,
        id: crypto.randomUUID(),
        stream_id: r.stream_id,
        stream_version: 2,
        type: 'ContentShredded',
        occurred_at: new Date().toISOString(),
        actor: 'system:retention',
        data: { postId, runId: crypto.randomUUID(), rule: { subject: 'Post', keep: 'P2Y', at: 'retention.yaml:4' }, lastContentAt: r.last_at.toISOString(), keys: [{ owner: 'user-0000', fingerprint: fingerprint() }] },
        payload: null,
        policy_version: fingerprint(),
        correlation_id: null,
        prev_hash: fingerprint(),
        hash: fingerprint(),
      };
    });
    batches.push({ streams: slice.map((r) => r.stream_id), posts: slice.map((r) => r.stream_id.slice('post:'.length)), receiptsJson: JSON.stringify(receipts) });
  }

  const started = performance.now();
  for (const b of batches) {
    await knex.transaction(async (trx) => {
      await trx.raw('DELETE FROM stream_keys WHERE stream_id = ANY(?::text[])', [b.streams]);
      await trx.raw('DELETE FROM retention_streams WHERE stream_id = ANY(?::text[])', [b.streams]);
      await trx.raw('DELETE FROM posts WHERE id = ANY(?::uuid[])', [b.posts]);
      await trx.raw(INSERT_EVENTS, [b.receiptsJson]);
    });
  }
  const written = performance.now();
  await knex.raw(`VACUUM ${VACUUMED.join(', ')}`);
  const done = performance.now();
  return { streams: count, batch, seconds: (done - started) / 1000, writeSeconds: (written - started) / 1000, vacuumSeconds: (done - written) / 1000 };
}
