// Seeds the microblog benchmark's database: people, follows and guideline acceptances through
// Flurfunk's own commands and projector; then the posts in bulk, as events on a valid hash
// chain (chained, sealed and hashed by the store's own chainBatch) and as `posts` rows built
// from the same texts with the projection's own helpers (other read models of PostCreated get
// theirs from their projection code); then sessions for everyone. Checks a sample of seeded
// posts against their events.
import crypto from 'node:crypto';
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { chainBatch, type BatchItem } from '../src/events/chain-batch.js';
import { Projector } from '../src/events/projector.js';
import type { ChainHead } from '../src/events/types.js';
import { recordSignIn } from '../src/identity/user-directory.js';
import { Sessions } from '../src/identity/sessions.js';
import { open } from '../src/keys/aead.js';
import { DataKeys, refKey } from '../src/keys/data-keys.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import type { Logger } from '../src/log/logger.js';
import { acceptGuideline, setFollow, type Caller, type CommandDeps } from '../src/posts/commands.js';
import { setPersonFollow, setTopicFollow } from '../src/posts/following.js';
import { renderMarkdown } from '../src/posts/markdown.js';
import { projections } from '../src/read-models.js';
import { startRuntime } from '../src/runtime.js';
import type { DraftBatch, SeedWorkerData } from './microblog-seed-worker.js';
import { GUIDELINE_VERSION, type Person, type World } from './microblog-world.js';
import { toWire } from '../src/events/appender.js';

/** Posts per flurfunk_append() call and per INSERT into posts (the appender's own cap is 2,000). */
const BATCH = 2_000;
const COMMAND_CONCURRENCY = 50;
const DAY_MS = 86_400_000;

export interface SeedOptions {
  /** The server's environment: database, data folder, keys, policy folder. */
  readonly env: Record<string, string>;
  readonly world: World;
  readonly posts: number;
  readonly logger: Logger;
  readonly say: (line: string) => void;
}

export interface Session {
  readonly token: string;
  readonly csrfToken: string;
}

export interface SeedResult {
  readonly events: number;
  readonly posts: number;
  readonly policyVersion: string;
  readonly sessions: ReadonlyMap<string, Session>;
  readonly seconds: { readonly people: number; readonly posts: number; readonly indexes: number; readonly vacuum: number; readonly total: number };
  readonly postsPerSecond: number;
}

/** Runs `fn` over `items` with at most `limit` running at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { world, say } = options;
  const config = loadConfig(options.env);
  // History starts a year ago: people sign in, follow and accept first; posts fill the year.
  const firstDay = Date.now() - 366 * DAY_MS;
  let seedTime = firstDay;

  const runtime = await startRuntime(config, options.logger, { migrate: true, policy: { watch: false }, clock: () => new Date(seedTime) });
  let policyVersion: string;
  try {
    policyVersion = runtime.policy!.version;
    const projector = await Projector.start(runtime.db.knex, runtime.store, projections, options.logger);
    try {
      const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };
      const caller = (p: Person): Caller => ({ principal: runtime.policy!.current.principal({ id: p.id, groups: p.groups, name: p.name, email: p.email }), correlationId: undefined });
      await eachLimited(world.people, COMMAND_CONCURRENCY, (p) =>
        recordSignIn(runtime.store, { userId: p.id, name: p.name, email: p.email, groups: p.groups, session: 'bench-seed' }, { actor: p.id, policyVersion }),
      );
      const head = (await runtime.store.head()).position;
      await projector.waitFor(head);
      seedTime += 3_600_000;
      await eachLimited(world.people, COMMAND_CONCURRENCY, async (p) => {
        await acceptGuideline(deps, caller(p), { version: GUIDELINE_VERSION });
        for (const space of p.follows) await setFollow(deps, caller(p), space, 'follow');
        for (const space of p.muted) await setFollow(deps, caller(p), space, 'mute');
        for (const person of p.followsPeople) await setPersonFollow(deps, caller(p), person, true);
        for (const topic of p.followsTopics) await setTopicFollow(deps, caller(p), topic, true);
      });
    } finally {
      await projector.stop();
    }
  } finally {
    await runtime.close();
  }
  const peopleSeconds = seconds(started);
  const follows = world.people.reduce((n, p) => n + p.follows.length, 0);
  const sum = (f: (p: Person) => number) => world.people.reduce((n, p) => n + f(p), 0);
  say(`${world.people.length} people signed in, accepted the guideline and follow ${follows} spaces (${sum((p) => p.muted.length)} muted), ${sum((p) => p.followsPeople.length)} people and ${sum((p) => p.followsTopics.length)} #topics, through Flurfunk's commands, in ${peopleSeconds} s`);

  // Posts in bulk. The runtime is closed, so no appender, projector or policy follower reads or
  // writes meanwhile; the server started later learns the new head from flurfunk_append().
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 6 });
  try {
    const knex = db.knex;
    const postsStarted = performance.now();
    const dataKeys = new DataKeys(loadOrCreateInstallationKey(config.keys.installationKeyFile).key);
    const { head, indexSeconds } = await withIndexesRebuilt(knex, ['events', 'posts'], say, () => writePosts(knex, config, options.posts, policyVersion, firstDay + DAY_MS, say));
    const postsSeconds = seconds(postsStarted);
    // The seeded events are applied: every read model is at the head, as after the projector.
    await knex('projection_positions').update({ position: head.position });
    const vacuumStarted = performance.now();
    // VACUUM too, so that autovacuum (which a million inserts trigger) does not run during the measurements.
    await knex.raw('VACUUM (ANALYZE)');
    const vacuumSeconds = seconds(vacuumStarted);
    say(`${options.posts.toLocaleString('en')} posts as events and read-model rows in ${postsSeconds} s (${Math.round(options.posts / postsSeconds)}/s, ${indexSeconds} s of it rebuilding indexes); VACUUM ANALYZE in ${vacuumSeconds} s`);

    await checkSample(knex, dataKeys, 20);
    say('a sample of 20 seeded posts matches their events (text, html, mentions, topics, position, time)');

    const sessions = new Sessions(knex, () => new Date(), config.sessions);
    const tokens = new Map<string, Session>();
    await eachLimited(world.people, 8, async (p) => {
      const { token, session } = await sessions.create({ userId: p.id, name: p.name, email: p.email, groups: p.groups }, undefined);
      tokens.set(p.id, { token, csrfToken: session.csrfToken });
    });
    return {
      events: head.position,
      posts: options.posts,
      policyVersion,
      sessions: tokens,
      seconds: { people: peopleSeconds, posts: postsSeconds, indexes: indexSeconds, vacuum: vacuumSeconds, total: seconds(started) },
      postsPerSecond: Math.round(options.posts / postsSeconds),
    };
  } finally {
    await db.close();
  }
}

/**
 * Writes `count` posts in batches: a worker thread drafts each batch, stores its data keys and
 * renders its posts rows; this thread chains, seals and hashes its events with the store's
 * chainBatch against the head the previous batch left, and writes events and rows while the
 * worker prepares the next batch. Returns the new chain head.
 */
async function writePosts(knex: Knex, config: Config, count: number, policyVersion: string, from: number, say: (line: string) => void): Promise<ChainHead> {
  // Other read models of PostCreated get their rows from their own projection code.
  const others = projections.filter((p) => p.name !== 'posts' && p.types.has('PostCreated'));
  const started = performance.now();
  let head = await chainHead(knex);
  const workerData: SeedWorkerData = {
    databaseUrl: config.databaseUrl!,
    dataDir: config.dataDir,
    installationKeyFile: config.keys.installationKeyFile,
    count,
    batch: BATCH,
    from,
    spanMs: Date.now() - 10 * 60_000 - from,
    policyVersion,
    firstPosition: head.position + 1,
  };
  // Worker threads do not inherit tsx's loader: the worker registers it before importing its module.
  const entry = new URL('./microblog-seed-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); }).then((m) => m.runSeedWorker())`, { eval: true, workerData });
  let chainedPosts = 0;
  let written = 0;
  let lastReport = started;
  let pending: Promise<void> = Promise.resolve();
  try {
    // Ends with the worker: an error in it is thrown here, an early exit is caught below.
    for await (const [message] of on(worker, 'message', { close: ['exit'] })) {
      const batch = message as DraftBatch;
      worker.postMessage('more');
      const keys = new Map(batch.keys.map(([stream, key]) => [stream, Buffer.from(key)]));
      const events = batch.drafts.map((d, i) => {
        const item: BatchItem = { streamId: d.streamId, expectedVersion: 0, events: [{ type: 'PostCreated', data: d.data, personal: { text: d.text } }], context: { actor: d.actor, correlationId: d.correlationId, policyVersion } };
        const chained = chainBatch([item], { head, versions: new Map([[d.streamId, 0]]), keys, now: new Date(d.at), newId: () => crypto.randomUUID() });
        head = chained.head;
        const event = chained.events[0]!;
        if (event.position !== workerData.firstPosition + chainedPosts + i) throw new Error(`seed: post ${chainedPosts + i} got position ${event.position}`);
        return event;
      });
      chainedPosts += events.length;
      const eventsJson = JSON.stringify(events.map(toWire));
      await pending; // one batch in the database at a time, so memory stays bounded
      // As the projector hands them over: only the events the projection accepts, personal content opened if it reads it.
      const projected = others
        .map((p) => ({ p, events: events.flatMap((event, i) => (p.accepts?.(event) === false ? [] : [{ event, personal: p.personalTypes?.has('PostCreated') ? { text: batch.drafts[i]!.text } : undefined }])) }))
        .filter(({ events }) => events.length > 0);
      const size = events.length;
      pending = Promise.all([
        knex.raw(INSERT_EVENTS, [eventsJson]),
        knex.raw(INSERT_POSTS, [batch.rowsJson]),
        ...projected.map(({ p, events }) => knex.transaction((trx) => p.apply(trx, events))),
      ]).then(() => {
        written += size;
        if (performance.now() - lastReport > 10_000 || written === count) {
          lastReport = performance.now();
          say(`  ${written.toLocaleString('en')} of ${count.toLocaleString('en')} posts (${Math.round(written / ((performance.now() - started) / 1000))}/s)`);
        }
      });
      // An unobserved rejection would end the process before the loop awaits it.
      pending.catch(() => undefined);
      if (chainedPosts >= count) break;
    }
    await pending;
    if (written < count) throw new Error(`seed: the worker stopped after ${written} of ${count} posts`);
  } finally {
    await worker.terminate();
  }
  return head;
}

/** The rows flurfunk_append() inserts (first migration), without its head and version checks: these streams are new and the chain is ours alone. */
export const INSERT_EVENTS = `
  INSERT INTO events (position, id, stream_id, stream_version, type, occurred_at, actor, data, payload, policy_version, correlation_id, prev_hash, hash)
  SELECT r.position, r.id, r.stream_id, r.stream_version, r.type, r.occurred_at, r.actor, r.data,
         decode(r.payload, 'base64'), r.policy_version, r.correlation_id, r.prev_hash, r.hash
    FROM json_to_recordset(?::json) AS r(position bigint, id uuid, stream_id text, stream_version integer, type text,
         occurred_at timestamptz, actor text, data jsonb, payload text, policy_version text, correlation_id text, prev_hash text, hash text)`;

export const INSERT_POSTS = `
  INSERT INTO posts (id, position, space_id, classification, author_id, mentions, topics, text, html, created_at)
  SELECT id, position, space_id, classification, author_id, mentions, topics, text, html, created_at
    FROM json_to_recordset(?::json) AS r(id uuid, position bigint, space_id text, classification text, author_id text,
         mentions text[], topics text[], text text, html text, created_at timestamptz)`;

/**
 * Indexes kept during a bulk load: the partial index of retention receipts, which no seeded row
 * enters, serves the check that every new data key makes (no key for a shredded stream,
 * DataKeys.forWriting); without it that check scans the whole events table once per batch.
 */
const KEPT_INDEXES = ['events_receipts'];

/**
 * Runs a bulk load without the tables' secondary indexes and unique constraints, then builds
 * them again from their own definitions (as pg_restore does) and checks that the catalogue
 * shows exactly the definitions it showed before. The primary keys stay for stream_keys,
 * whose inserts rely on ON CONFLICT.
 */
export async function withIndexesRebuilt<T>(knex: Knex, tables: readonly string[], say: (line: string) => void, load: () => Promise<T>, keep: readonly string[] = KEPT_INDEXES): Promise<{ head: T; indexSeconds: number }> {
  const definitions = async () => {
    const constraints = (await knex.raw<{ rows: { table: string; name: string; def: string }[] }>(
      `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = ANY(?::regclass[]) AND contype IN ('p', 'u') ORDER BY 1, 2`,
      [[...tables]],
    )).rows;
    const indexes = (await knex.raw<{ rows: { table: string; name: string; def: string }[] }>(
      `SELECT tablename AS table, indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(?) ORDER BY 1, 2`,
      [[...tables]],
    )).rows;
    return { constraints, indexes };
  };
  const before = await definitions();
  const owned = new Set(before.constraints.map((c) => c.name));
  for (const c of before.constraints) await knex.raw(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  const dropped = before.indexes.filter((i) => !owned.has(i.name) && !keep.includes(i.name));
  for (const i of dropped) await knex.raw(`DROP INDEX ${i.name}`);
  const head = await load();
  const started = performance.now();
  await knex.transaction(async (trx) => {
    await trx.raw(`SET LOCAL maintenance_work_mem = '1GB'`);
    for (const c of before.constraints) await trx.raw(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`);
    for (const i of dropped) await trx.raw(i.def);
  });
  const after = await definitions();
  if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`the rebuilt indexes differ from the migrations': ${JSON.stringify({ before, after })}`);
  const indexSeconds = seconds(started);
  say(`  ${before.constraints.length} constraints and ${dropped.length} indexes of ${tables.join(', ')} rebuilt in ${indexSeconds} s`);
  return { head, indexSeconds };
}


export async function chainHead(knex: Knex): Promise<ChainHead> {
  const row = await knex<{ position: string; hash: string }>('events').orderBy('position', 'desc').first('position', 'hash');
  if (!row) throw new Error('the seeded people should have written events');
  return { position: Number(row.position), hash: row.hash };
}

/** Opens the events of a random sample of posts and checks that their rows are what the projection would have written. */
async function checkSample(knex: Knex, dataKeys: DataKeys, n: number): Promise<void> {
  interface Row { id: string; position: string; text: string; html: string; mentions: string[]; topics: string[]; created_at: Date; event_id: string; data: Record<string, unknown>; payload: Buffer; event_position: string; occurred_at: Date }
  const result = await knex.raw<{ rows: Row[] }>(
    `SELECT p.id, p.position, p.text, p.html, p.mentions, p.topics, p.created_at, e.id AS event_id, e.data, e.payload, e.position AS event_position, e.occurred_at
       FROM (SELECT * FROM posts ORDER BY random() LIMIT ?) p JOIN events e ON e.stream_id = 'post:' || p.id AND e.stream_version = 1`,
    [n],
  );
  if (result.rows.length !== n) throw new Error(`seed check: ${n - result.rows.length} sampled posts have no PostCreated event`);
  for (const r of result.rows) {
    const stream = `post:${r.id}`;
    const ref = { streamId: stream, owner: r.data.authorId as string };
    const key = (await dataKeys.find(knex, [ref])).get(refKey(ref));
    if (!key) throw new Error(`seed check: post ${r.id} has no data key`);
    const personal = JSON.parse(open(key, r.payload, r.event_id).toString('utf8')) as { text: string };
    const same =
      personal.text === r.text &&
      renderMarkdown(personal.text) === r.html &&
      JSON.stringify(r.data.mentions) === JSON.stringify(r.mentions) &&
      JSON.stringify(r.data.topics) === JSON.stringify(r.topics) &&
      r.position === r.event_position &&
      r.created_at.getTime() === r.occurred_at.getTime();
    if (!same) throw new Error(`seed check: post ${r.id} differs from its event`);
  }
}
