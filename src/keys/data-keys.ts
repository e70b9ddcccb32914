// Data keys per stream and author: each person's content in a stream is sealed under its own
// random key (a post's text under its author's, each comment under its commenter's), stored
// only wrapped by the installation key. Destroying the keys of a stream (retention) makes that
// stream's content unreadable everywhere; destroying one person's keys (erasure on request)
// makes only their words unreadable, while the others' comments and messages stay. The hash
// chain is untouched either way: it covers the sealed bytes, not the plaintext.
//
// Rows written before keys were per author carry the owner '*': one key for the whole stream.
// Opening falls back to it, so older data stays readable; new content is always per author.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { FlurfunkError, GoneError } from '../errors.js';
import { toBuffer } from '../db/values.js';
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
      const rows = await db<KeyRow>('stream_keys')
        .whereIn(['stream_id', 'owner'], wanted.map((r) => [r.streamId, r.owner]))
        .orWhere((q) => void q.where('owner', WHOLE_STREAM).whereIn('stream_id', [...new Set(wanted.map((r) => r.streamId))]))
        .select('stream_id', 'owner', 'wrapped_key');
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
    for (const [id, key] of await this.find(db, [...missing.values()])) {
      result.set(id, key);
      missing.delete(id);
    }
    if (missing.size === 0) return result;
    await refuseShredded(db, [...new Set([...missing.values()].map((r) => r.streamId))]);
    const created = [...missing.values()].map((ref) => this.create(ref));
    const stored = await db<KeyRow>('stream_keys')
      .insert(created.map((k) => ({ stream_id: k.streamId, owner: k.owner, wrapped_key: k.wrapped })))
      .onConflict(['stream_id', 'owner'])
      .ignore()
      .returning(['stream_id', 'owner']);
    const ours = new Set(stored.map((r) => refKey({ streamId: r.stream_id, owner: r.owner })));
    const theirs: KeyRef[] = [];
    for (const k of created) {
      const id = refKey(k);
      if (!ours.has(id)) {
        theirs.push(k);
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

/** Refuses to create keys in streams whose content was shredded (their ContentShredded receipt is an event). */
async function refuseShredded(db: Knex, streamIds: readonly string[]): Promise<void> {
  const shredded: { stream_id: string } | undefined = await db('events').whereIn('stream_id', streamIds).andWhere('type', 'ContentShredded').first('stream_id');
  if (shredded) throw new GoneError(`stream ${shredded.stream_id}: its content was shredded by retention; nothing new is written into it`);
}
