// Per-stream data keys: each stream's personal content is sealed under its own random key,
// which is stored only wrapped by the installation key. Destroying one wrapped key (retention)
// makes that stream's content unreadable everywhere, while the hash chain stays intact.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { FlurfunkError } from '../errors.js';
import { toBuffer } from '../db/values.js';
import { open, seal } from './aead.js';

const wrapLabel = (streamId: string) => `flurfunk data key for stream ${streamId}`;
const CACHE_LIMIT = 10_000;

interface NewDataKey {
  readonly streamId: string;
  readonly key: Buffer;
  readonly wrapped: Buffer;
}

export class DataKeys {
  // Insertion-ordered map as a simple LRU: hits are re-inserted, the oldest entry is evicted.
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly installationKey: Buffer) {}

  /** Keys of existing streams; streams without a stored key are absent from the result. */
  async find(db: Knex | Knex.Transaction, streamIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of new Set(streamIds)) {
      const key = this.cache.get(id);
      if (key) {
        this.cache.delete(id);
        this.cache.set(id, key);
        found.set(id, key);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      const rows = await db<{ stream_id: string; wrapped_key: unknown }>('stream_keys').whereIn('stream_id', missing).select('stream_id', 'wrapped_key');
      for (const row of rows) {
        const key = this.unwrap(row.stream_id, toBuffer(row.wrapped_key));
        this.remember(row.stream_id, key);
        found.set(row.stream_id, key);
      }
    }
    return found;
  }

  /**
   * Keys for sealing new events: existing ones, or new ones stored first. Creating is
   * INSERT … ON CONFLICT DO NOTHING, so when two processes race for a new stream, both end up
   * sealing under the one key that was stored.
   */
  async forWriting(db: Knex, streamIds: readonly string[]): Promise<Map<string, Buffer>> {
    const result = new Map<string, Buffer>();
    const missing = [...new Set(streamIds)].filter((id) => {
      const key = this.cache.get(id);
      if (key) result.set(id, key);
      return !key;
    });
    if (missing.length === 0) return result;
    const created = missing.map((id) => this.create(id));
    const stored = await db<{ stream_id: string; wrapped_key: Buffer }>('stream_keys')
      .insert(created.map((k) => ({ stream_id: k.streamId, wrapped_key: k.wrapped })))
      .onConflict('stream_id')
      .ignore()
      .returning('stream_id');
    const ours = new Set(stored.map((r) => r.stream_id));
    for (const k of created) {
      if (!ours.has(k.streamId)) continue;
      this.remember(k.streamId, k.key);
      result.set(k.streamId, k.key);
    }
    const theirs = missing.filter((id) => !ours.has(id));
    if (theirs.length > 0) for (const [id, key] of await this.find(db, theirs)) result.set(id, key);
    return result;
  }

  private create(streamId: string): NewDataKey {
    const key = crypto.randomBytes(32);
    return { streamId, key, wrapped: seal(this.installationKey, key, wrapLabel(streamId)) };
  }

  private remember(streamId: string, key: Buffer): void {
    this.cache.set(streamId, key);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
  }

  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  private unwrap(streamId: string, wrapped: Buffer): Buffer {
    try {
      return open(this.installationKey, wrapped, wrapLabel(streamId));
    } catch (err) {
      throw new FlurfunkError('installation_key_mismatch', `The data key of stream ${streamId} does not open with the installation key: it was altered or belongs to another installation`, { cause: err });
    }
  }
}
