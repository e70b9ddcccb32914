// Data keys per stream and author: each person's content in a stream is sealed under its own
// random key (a post's text under its author's, each comment under its commenter's), stored
// only wrapped by the installation key. Destroying the keys of a stream (retention) makes that
// stream's content unreadable everywhere; destroying one person's keys (erasure on request)
// makes only their words unreadable, while the others' comments and messages stay. The hash
// chain is untouched either way: it covers the sealed bytes, not the plaintext.
//
// Rows written before keys were per author carry the owner '*': one key for the whole stream,
// which keeps sealing that stream's new content too (so all of it stays readable); erasure of
// one person cannot reach into such a stream, retention shreds it whole.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { FlurfunkError, GoneError } from '../errors.js';
import { rawRows, toBuffer } from '../db/values.js';
import { open, seal } from './aead.js';

/** Which key: the stream and the author (the event's actor) whose content it seals. */
export interface KeyRef {
  readonly streamId: string;
  readonly owner: string;
}

/** The owner of keys from before per-author keys: the whole stream's. */
export const WHOLE_STREAM = '*';

const wrapLabel = (ref: KeyRef) => (ref.owner === WHOLE_STREAM ? `flurfunk data key for stream ${ref.streamId}` : `flurfunk data key for stream ${ref.streamId} of ${ref.owner}`);
const CACHE_LIMIT = 10_000;

/** A map key for a KeyRef (NUL cannot occur in a stream id or an actor). */
export const refKey = (ref: KeyRef) => `${ref.streamId}\u0000${ref.owner}`;

/** SHA-256 of a wrapped key: names the key in a receipt without revealing anything of it. */
export const keyFingerprint = (wrapped: Buffer) => crypto.createHash('sha256').update(wrapped).digest('hex');

interface NewDataKey extends KeyRef {
  readonly key: Buffer;
  readonly wrapped: Buffer;
}

interface KeyRow {
  stream_id: string;
  owner: string;
  wrapped_key: unknown;
}

export class DataKeys {
  // Insertion-ordered map as a simple LRU: hits are re-inserted, the oldest entry is evicted.
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly installationKey: Buffer) {}

  /** Keys that exist, by refKey; refs without a stored key (nor a whole-stream one) are absent. */
  async find(db: Knex | Knex.Transaction, refs: readonly KeyRef[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing = new Map<string, KeyRef>();
    for (const ref of refs) {
      const id = refKey(ref);
      const key = this.cache.get(id);
      if (key) {
        this.cache.delete(id);
        this.cache.set(id, key);
        found.set(id, key);
      } else missing.set(id, ref);
    }
    if (missing.size > 0) {
      const wanted = [...missing.values()];
      // A join with the wanted pairs, not `(stream_id, owner) IN (…)`: PostgreSQL's planning time
      // grows with the square of such a list (2 s for 2,000 pairs), an appender's batch size.
      const rows = await rawRows<KeyRow>(
        db,
        `SELECT k.stream_id, k.owner, k.wrapped_key
           FROM unnest(?::text[], ?::text[]) AS w(stream_id, owner)
           JOIN stream_keys k ON k.stream_id = w.stream_id AND (k.owner = w.owner OR k.owner = ?)`,
        [wanted.map((r) => r.streamId), wanted.map((r) => r.owner), WHOLE_STREAM],
      );
      const stored = new Map(rows.map((row) => [refKey({ streamId: row.stream_id, owner: row.owner }), row]));
      for (const [id, ref] of missing) {
        const row = stored.get(id) ?? stored.get(refKey({ streamId: ref.streamId, owner: WHOLE_STREAM }));
        if (!row) continue;
        const key = this.unwrap({ streamId: row.stream_id, owner: row.owner }, toBuffer(row.wrapped_key));
        this.remember(id, key);
        found.set(id, key);
      }
    }
    return found;
  }

  /**
   * Keys for sealing new content, by refKey: existing ones, or new ones stored first. Creating
   * is INSERT … ON CONFLICT DO NOTHING, so when two processes race for a new key, both end up
   * sealing under the one that was stored. A stream whose content retention shredded (it has a
   * ContentShredded receipt) gets no new key: nothing is written into erased content.
   */
  async forWriting(db: Knex, refs: readonly KeyRef[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    const missing = new Map<string, KeyRef>();
    for (const ref of refs) {
      const id = refKey(ref);
      const key = this.cache.get(id);
      if (key) result.set(id, key);
      else missing.set(id, ref);
    }
    if (missing.size === 0) return result;
    // One round trip for the usual case, new content in a new stream: insert the keys, except in
    // streams that have a ContentShredded receipt, and say which those were.
    const created = [...missing.values()].map((ref) => this.create(ref));
    const outcome = await rawRows<{ what: 'closed' | 'inserted'; stream_id: string; owner: string | null }>(
      db,
      `WITH wanted AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) AS w(stream_id, owner, wrapped)),
            closed AS (SELECT DISTINCT e.stream_id FROM events e WHERE e.stream_id IN (SELECT stream_id FROM wanted) AND e.type = 'ContentShredded'),
            inserted AS (
              INSERT INTO stream_keys (stream_id, owner, wrapped_key)
              SELECT stream_id, owner, decode(wrapped, 'base64') FROM wanted
               WHERE stream_id NOT IN (SELECT stream_id FROM closed)
                 -- A stream sealed whole before keys were per author stays so: its key opens all of it.
                 AND NOT EXISTS (SELECT 1 FROM stream_keys l WHERE l.stream_id = wanted.stream_id AND l.owner = '*')
              ON CONFLICT (stream_id, owner) DO NOTHING
              RETURNING stream_id, owner)
       SELECT 'closed' AS what, stream_id, NULL AS owner FROM closed
       UNION ALL SELECT 'inserted' AS what, stream_id, owner FROM inserted`,
      [created.map((k) => k.streamId), created.map((k) => k.owner), created.map((k) => k.wrapped.toString('base64'))],
    );
    const closed = outcome.find((r) => r.what === 'closed');
    if (closed) throw new GoneError(`stream ${closed.stream_id}: its content was shredded by retention; nothing new is written into it`);
    const ours = new Set(outcome.map((r) => refKey({ streamId: r.stream_id, owner: r.owner! })));
    const theirs: KeyRef[] = [];
    for (const k of created) {
      const id = refKey(k);
      if (!ours.has(id)) {
        theirs.push(k); // stored before (by another process, or earlier), or a whole-stream key: use that one
        continue;
      }
      this.remember(id, k.key);
      result.set(id, k.key);
    }
    if (theirs.length > 0) for (const [id, key] of await this.find(db, theirs)) result.set(id, key);
    return result;
  }

  private create(ref: KeyRef): NewDataKey {
    const key = crypto.randomBytes(32);
    return { streamId: ref.streamId, owner: ref.owner, key, wrapped: seal(this.installationKey, key, wrapLabel(ref)) };
  }

  private remember(id: string, key: Buffer): void {
    this.cache.set(id, key);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** Drops cached keys of a stream (of one owner, or all): after shredding, nothing opens from memory. */
  forget(streamId: string, owner?: string): void {
    if (owner !== undefined) {
      this.cache.delete(refKey({ streamId, owner }));
      return;
    }
    const prefix = `${streamId}\u0000`;
    for (const id of [...this.cache.keys()]) if (id.startsWith(prefix)) this.cache.delete(id);
  }

  private unwrap(ref: KeyRef, wrapped: Buffer): Buffer {
    try {
      return open(this.installationKey, wrapped, wrapLabel(ref));
    } catch (err) {
      throw new FlurfunkError('installation_key_mismatch', `The data key of stream ${ref.streamId} does not open with the installation key: it was altered or belongs to another installation`, { cause: err });
    }
  }
}
