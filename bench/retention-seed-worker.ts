// The retention seed's second thread: drafts posts (space, author, time, text) from the seed's
// plan of time spans, creates and stores their data keys (one per stream and author, as
// createPost's append would) and renders their `posts` and `retention_streams` rows, a few
// batches ahead of the main thread, which chains, seals, hashes and writes them.
import crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../src/db/database.js';
import { DataKeys } from '../src/keys/data-keys.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import { renderMarkdown } from '../src/posts/markdown.js';
import { namesIn } from '../src/posts/post-text.js';
import type { DraftPost } from './microblog-seed-worker.js';
import { VOCABULARY } from './microblog-world.js';
import { random } from './random.js';

/** A stretch of time whose posts go round robin over `spaces` (so shares are exact). */
export interface Span {
  readonly fromMs: number;
  readonly toMs: number;
  readonly count: number;
  readonly spaces: readonly string[];
}

export interface RetentionSeedData {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly installationKeyFile: string;
  readonly spans: readonly Span[];
  /** Each space's classification, from the policy. */
  readonly classifications: Record<string, string>;
  readonly batch: number;
  readonly policyVersion: string;
  readonly firstPosition: number;
}

export interface RetentionDraftBatch {
  readonly drafts: DraftPost[];
  readonly keys: [string, Uint8Array][];
  /** The posts rows as the posts projection would insert them, as JSON for json_to_recordset. */
  readonly rowsJson: string;
  /** The retention_streams rows as its projection would insert them for a first PostCreated. */
  readonly streamsJson: string;
}

const AHEAD = 2;
/**
 * Refs per DataKeys.forWriting call. Its lookup, `(stream_id, owner) IN ((…), …) OR (owner = '*'
 * AND stream_id IN (…))`, takes PostgreSQL 15 about 2 s to plan for 2,000 refs (0.13 s for
 * 500, 7 ms for 100), so the worker asks a hundred at a time.
 */
const KEY_CHUNK = 100;
const AUTHORS = 1_000;

/** Every post in time order: its span's index and its index within the span. */
function* plan(spans: readonly Span[]): Generator<{ at: number; space: string }> {
  for (const s of spans) {
    for (let i = 0; i < s.count; i++) yield { at: s.fromMs + Math.floor((i / s.count) * (s.toMs - s.fromMs)), space: s.spaces[i % s.spaces.length]! };
  }
}

export async function runRetentionSeedWorker(): Promise<void> {
  const port = parentPort!;
  const options = workerData as RetentionSeedData;
  const next = random(20261201);
  const text = () => {
    const words = Array.from({ length: 8 + Math.floor(next() * 40) }, () => VOCABULARY[Math.floor(next() ** 2 * VOCABULARY.length)]!);
    return `${words.join(' ')}.${next() < 0.2 ? ` #${words[0]!.toLowerCase()}` : ''}`;
  };
  const db = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, poolMax: 1 });
  const dataKeys = new DataKeys(loadOrCreateInstallationKey(options.installationKeyFile).key);
  let credits = AHEAD;
  let wake: (() => void) | undefined;
  const onCredit = () => {
    credits++;
    wake?.();
  };
  port.on('message', onCredit);
  try {
    const posts = plan(options.spans);
    const total = options.spans.reduce((n, s) => n + s.count, 0);
    for (let done = 0; done < total; done += options.batch) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      const drafts: DraftPost[] = [];
      for (let i = 0; i < Math.min(options.batch, total - done); i++) {
        const { at, space } = posts.next().value as { at: number; space: string };
        const body = text();
        const { mentions, topics } = namesIn(body);
        const postId = crypto.randomUUID();
        const author = `user-${String(Math.floor(next() * AUTHORS)).padStart(4, '0')}`;
        drafts.push({ streamId: `post:${postId}`, at, text: body, actor: author, correlationId: crypto.randomUUID(), data: { postId, spaceId: space, classification: options.classifications[space]!, authorId: author, mentions, topics } });
      }
      const keys = new Map<string, Buffer>();
      for (let i = 0; i < drafts.length; i += KEY_CHUNK) {
        for (const [ref, key] of await dataKeys.forWriting(db.knex, drafts.slice(i, i + KEY_CHUNK).map((d) => ({ streamId: d.streamId, owner: d.actor })))) keys.set(ref, key);
      }
      const rows = drafts.map((d, i) => ({
        id: d.data.postId,
        position: options.firstPosition + done + i,
        space_id: d.data.spaceId,
        classification: d.data.classification,
        author_id: d.data.authorId,
        mentions: d.data.mentions,
        topics: d.data.topics,
        text: d.text,
        html: renderMarkdown(d.text),
        created_at: new Date(d.at).toISOString(),
      }));
      const streams = drafts.map((d) => ({
        stream_id: d.streamId,
        kind: 'post',
        space_id: d.data.spaceId,
        classification: d.data.classification,
        has_comments: false,
        people: [d.data.authorId],
        first_at: new Date(d.at).toISOString(),
        last_at: new Date(d.at).toISOString(),
      }));
      port.postMessage({ drafts, keys: [...keys], rowsJson: JSON.stringify(rows), streamsJson: JSON.stringify(streams) } satisfies RetentionDraftBatch);
    }
  } finally {
    port.off('message', onCredit);
    await db.close();
  }
}
