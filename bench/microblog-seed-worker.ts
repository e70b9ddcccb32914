// The seed's second thread: drafts posts as createPost would (text, mentions, topics, ids),
// creates and stores their data keys, and renders their `posts` rows, a few batches ahead of
// the main thread, which chains, seals and hashes them (the chain is sequential) and writes
// them. Positions are known in advance: every post is one event, appended in order.
import crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../src/db/database.js';
import { DataKeys } from '../src/keys/data-keys.js';
import { loadOrCreateInstallationKey } from '../src/keys/installation-key.js';
import { renderMarkdown } from '../src/posts/markdown.js';
import { namesIn } from '../src/posts/post-text.js';
import { TextMaker, world } from './microblog-world.js';

export interface SeedWorkerData {
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly installationKeyFile: string;
  readonly count: number;
  readonly batch: number;
  /** Time of the first post and the span the posts are spread over, in milliseconds. */
  readonly from: number;
  readonly spanMs: number;
  readonly policyVersion: string;
  /** Position of the first post's event. */
  readonly firstPosition: number;
}

export interface DraftPost {
  readonly streamId: string;
  readonly at: number;
  readonly text: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly data: { postId: string; spaceId: string; classification: string; authorId: string; mentions: string[]; topics: string[] };
}

export interface DraftBatch {
  readonly drafts: DraftPost[];
  /** The streams' data keys, already stored (wrapped) in stream_keys. */
  readonly keys: [string, Uint8Array][];
  /** The batch's posts rows as the posts projection would insert them, as JSON for json_to_recordset. */
  readonly rowsJson: string;
}

/** Batches made ahead of the main thread; it sends one credit per batch it takes. */
const AHEAD = 2;

export async function runSeedWorker(): Promise<void> {
  const port = parentPort!;
  const options = workerData as SeedWorkerData;
  const w = world();
  const texts = new TextMaker(20261130, w.people);
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
    for (let done = 0; done < options.count; done += options.batch) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      const size = Math.min(options.batch, options.count - done);
      const drafts = Array.from({ length: size }, (_, i) => {
        const space = w.spaces[texts.weighted(w.postShare)]!;
        const posters = w.posters.get(space.id)!;
        const author = posters[texts.uniform(posters.length)]!;
        const text = texts.post();
        const { mentions, topics } = namesIn(text);
        const postId = crypto.randomUUID();
        const at = options.from + Math.floor(((done + i) / options.count) * options.spanMs);
        return { streamId: `post:${postId}`, at, text, actor: author.id, correlationId: crypto.randomUUID(), data: { postId, spaceId: space.id, classification: space.classification, authorId: author.id, mentions, topics } };
      });
      const keys = await dataKeys.forWriting(db.knex, drafts.map((d) => ({ streamId: d.streamId, owner: d.actor })));
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
      const batch: DraftBatch = { drafts, keys: [...keys], rowsJson: JSON.stringify(rows) };
      port.postMessage(batch);
    }
  } finally {
    port.off('message', onCredit);
    await db.close();
  }
}
