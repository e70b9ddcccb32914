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

export interface NewDataKey {
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
      const rows = (await db('stream_keys').whereIn('stream_id', missing).select('stream_id', 'wrapped_key')) as { stream_id: string; wrapped_key: unknown }[];
      for (const row of rows) {
        const key = this.unwrap(row.stream_id, toBuffer(row.wrapped_key));
        this.remember(row.stream_id, key);
        found.set(row.stream_id, key);
      }
    }
    return found;
  }

  /** A fresh key for a new stream; the caller stores `wrapped` in the same transaction as the events. */
  create(streamId: string): NewDataKey {
    const key = crypto.randomBytes(32);
    return { streamId, key, wrapped: seal(this.installationKey, key, wrapLabel(streamId)) };
  }

  /** Call after the transaction that stored a created key has committed. */
  remember(streamId: string, key: Buffer): void {
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
