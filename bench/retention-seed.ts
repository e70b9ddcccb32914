// Seeds the retention benchmark's posts in bulk, the way bench/microblog-seed.ts does: each post
// a PostCreated event in its own stream with its own data key (stream and author), chained,
// sealed and hashed by the store's own chainBatch and inserted with the statement
// flurfunk_append() uses; its `posts` row rendered with the projection's helpers; its
// `retention_streams` row as the retention projection writes it for a first PostCreated (kind
// post, space, classification, no comments, people [author], first = last = its time). Other
// read models of PostCreated get theirs from their own projection code. Then every
// projection's position is set to the head, VACUUM ANALYZE, and a sample of posts is checked
// against its events: text, row, and the retention row against what the real projection writes.
import crypto from 'node:crypto';
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import type { Config } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { chainBatch, type BatchItem } from '../src/events/chain-batch.js';
import { EVENT_COLUMNS, fromRow, type EventRow } from '../src/events/event-rows.js';
import { toWire } from '../src/events/appender.js';
import { open } from '../src/keys/aead.js';
import { DataKeys, refKey } from '../src/keys/data-keys.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import { projections } from '../src/read-models.js';
import { retentionStreamsProjection } from '../src/retention/retention-projection.js';
import { chainHead, INSERT_EVENTS, INSERT_POSTS, withIndexesRebuilt } from './microblog-seed.js';
import type { RetentionDraftBatch, RetentionSeedData, Span } from './retention-seed-worker.js';

const BATCH = 2_000;

const INSERT_STREAMS = `
  INSERT INTO retention_streams (stream_id, kind, space_id, classification, has_comments, people, first_at, last_at)
  SELECT stream_id, kind, space_id, classification, has_comments, people, first_at, last_at
    FROM json_to_recordset(?::json) AS r(stream_id text, kind text, space_id text, classification text, has_comments boolean,
         people text[], first_at timestamptz, last_at timestamptz)`;

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

export interface RetentionSeedResult {
  readonly posts: number;
  readonly head: number;
  readonly seconds: { readonly posts: number; readonly indexes: number; readonly vacuum: number };
}

export async function seedPosts(config: Config, spans: readonly Span[], classifications: Record<string, string>, policyVersion: string, say: (line: string) => void): Promise<RetentionSeedResult> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 6 });
  try {
    const knex = db.knex;
    const started = performance.now();
    const count = spans.reduce((n, s) => n + s.count, 0);
    const { head, indexSeconds } = await withIndexesRebuilt(knex, ['events', 'posts', 'retention_streams'], say, () => writePosts(knex, config, spans, classifications, policyVersion, count, say));
    const postsSeconds = seconds(started);
    await knex('projection_positions').update({ position: head });
    const vacuumStarted = performance.now();
    await knex.raw('VACUUM (ANALYZE)');
    const vacuumSeconds = seconds(vacuumStarted);
    say(`${count.toLocaleString('en')} posts as events, posts and retention_streams rows in ${postsSeconds} s (${Math.round(count / postsSeconds)}/s, ${indexSeconds} s of it rebuilding indexes); VACUUM ANALYZE in ${vacuumSeconds} s`);
    await checkSample(knex, new DataKeys(loadOrCreateInstallationKey(config.keys.installationKeyFile).key), 20);
    say('a sample of 20 seeded posts matches their events (text, row, and the retention row the real projection writes)');
    return { posts: count, head, seconds: { posts: postsSeconds, indexes: indexSeconds, vacuum: vacuumSeconds } };
  } finally {
    await db.close();
  }
}

/** As microblog-seed's writePosts: the worker drafts, this thread chains and writes one batch while the next is drafted. Returns the head's position. */
async function writePosts(knex: Knex, config: Config, spans: readonly Span[], classifications: Record<string, string>, policyVersion: string, count: number, say: (line: string) => void): Promise<number> {
  const others = projections.filter((p) => p.name !== 'posts' && p.name !== retentionStreamsProjection.name && p.types.has('PostCreated'));
  const started = performance.now();
  let head = await chainHead(knex);
  const workerData: RetentionSeedData = {
    databaseUrl: config.databaseUrl!,
    dataDir: config.dataDir,
    installationKeyFile: config.keys.installationKeyFile,
    spans,
    classifications,
    batch: BATCH,
    policyVersion,
    firstPosition: head.position + 1,
  };
  const entry = new URL('./retention-seed-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); }).then((m) => m.runRetentionSeedWorker())`, { eval: true, workerData });
  let chained = 0;
  let written = 0;
  let lastReport = started;
  let pending: Promise<void> = Promise.resolve();
  try {
    for await (const [message] of on(worker, 'message', { close: ['exit'] })) {
      const batch = message as RetentionDraftBatch;
      worker.postMessage('more');
      const keys = new Map(batch.keys.map(([stream, key]) => [stream, Buffer.from(key)]));
      const events = batch.drafts.map((d, i) => {
        const item: BatchItem = { streamId: d.streamId, expectedVersion: 0, events: [{ type: 'PostCreated', data: d.data, personal: { text: d.text } }], context: { actor: d.actor, correlationId: d.correlationId, policyVersion } };
        const result = chainBatch([item], { head, versions: new Map([[d.streamId, 0]]), keys, now: new Date(d.at), newId: () => crypto.randomUUID() });
        head = result.head;
        const event = result.events[0]!;
        if (event.position !== workerData.firstPosition + chained + i) throw new Error(`seed: post ${chained + i} got position ${event.position}`);
        return event;
      });
      chained += events.length;
      const eventsJson = JSON.stringify(events.map(toWire));
      await pending;
      const projected = others
        .map((p) => ({ p, events: events.flatMap((event, i) => (p.accepts?.(event) === false ? [] : [{ event, personal: p.personalTypes?.has('PostCreated') ? { text: batch.drafts[i]!.text } : undefined }])) }))
        .filter(({ events }) => events.length > 0);
      const size = events.length;
      pending = Promise.all([
        knex.raw(INSERT_EVENTS, [eventsJson]),
        knex.raw(INSERT_POSTS, [batch.rowsJson]),
        knex.raw(INSERT_STREAMS, [batch.streamsJson]),
        ...projected.map(({ p, events }) => knex.transaction((trx) => p.apply(trx, events))),
      ]).then(() => {
        written += size;
        if (performance.now() - lastReport > 10_000 || written === count) {
          lastReport = performance.now();
          say(`  ${written.toLocaleString('en')} of ${count.toLocaleString('en')} posts (${Math.round(written / ((performance.now() - started) / 1000))}/s)`);
        }
      });
      pending.catch(() => undefined);
      if (chained >= count) break;
    }
    await pending;
    if (written < count) throw new Error(`seed: the worker stopped after ${written} of ${count} posts`);
  } finally {
    await worker.terminate();
  }
  return head.position;
}

/**
 * Opens a random sample of posts' events and compares text and rows; for the retention row,
 * lets the real projection write it afresh from the event (in a transaction rolled back) and
 * compares the two.
 */
async function checkSample(knex: Knex, dataKeys: DataKeys, n: number): Promise<void> {
  const sample = (await knex.raw<{ rows: EventRow[] }>(`SELECT ${EVENT_COLUMNS.map((c) => `e.${c}`).join(', ')} FROM (SELECT id FROM posts ORDER BY random() LIMIT ?) p JOIN events e ON e.stream_id = 'post:' || p.id AND e.stream_version = 1`, [n])).rows.map(fromRow);
  if (sample.length !== n) throw new Error(`seed check: ${n - sample.length} sampled posts have no PostCreated event`);
  const streamRow = async (db: Knex | Knex.Transaction, streamId: string) =>
    JSON.stringify(await db('retention_streams').where({ stream_id: streamId }).first('stream_id', 'kind', 'space_id', 'classification', 'has_comments', 'people', 'first_at', 'last_at'));
  for (const event of sample) {
    const ref = { streamId: event.streamId, owner: event.actor };
    const key = (await dataKeys.find(knex, [ref])).get(refKey(ref));
    if (!key) throw new Error(`seed check: ${event.streamId} has no data key`);
    const text = (JSON.parse(open(key, event.payload!, event.id).toString('utf8')) as { text: string }).text;
    const post = await knex<{ id: string; text: string; position: string; created_at: Date; space_id: string; author_id: string }>('posts').where({ id: event.data.postId as string }).first('text', 'position', 'created_at', 'space_id', 'author_id');
    if (!post || post.text !== text || Number(post.position) !== event.position || post.created_at.getTime() !== event.occurredAt.getTime() || post.space_id !== event.data.spaceId || post.author_id !== event.actor) {
      throw new Error(`seed check: the posts row of ${event.streamId} differs from its event`);
    }
    const seeded = await streamRow(knex, event.streamId);
    const projected = await knex
      .transaction(async (trx) => {
        await trx('retention_streams').where({ stream_id: event.streamId }).delete();
        await retentionStreamsProjection.apply(trx, [{ event, personal: undefined }]);
        const row = await streamRow(trx, event.streamId);
        throw new Rollback(row);
      })
      .catch((err: unknown) => {
        if (err instanceof Rollback) return err.row;
        throw err;
      });
    if (seeded !== projected) throw new Error(`seed check: retention row of ${event.streamId} is ${seeded}, the projection writes ${projected}`);
  }
}

class Rollback extends Error {
  constructor(readonly row: string) {
    super('rollback');
  }
}
