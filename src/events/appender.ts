// Group commit with an optimistic chain head. Appends wait in a queue; one writer takes what
// is queued, chains and hashes it against the head and stream versions this process believes
// current (chain-batch.ts), and hands it to flurfunk_append() (first migration), which checks
// that belief under the chain lock and inserts, in one statement and one round trip. If
// another process appended meanwhile, nothing is written, the true state comes back, and the
// batch is chained again. One lock and one round trip per batch is what lets the store keep up
// with raw INSERTs; the lock keeps several processes on one database on one chain.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { FlurfunkError, StoreClosedError } from '../errors.js';
import { translateDriverError } from '../db/errors.js';
import { rawRows, toSafeInteger } from '../db/values.js';
import type { DataKeys } from '../keys/data-keys.js';
import { chainBatch, type BatchItem } from './chain-batch.js';
import { GENESIS_HASH } from './chain-hash.js';
import type { AppendResult, ChainHead, RecordedEvent } from './types.js';

// Events per statement: bounds lock hold time and memory when the queue runs long.
const MAX_BATCH_EVENTS = 2_000;
// Believed stream versions kept; a miss costs at most one retry.
const VERSION_CACHE_LIMIT = 100_000;
// Attempts before giving up on a head that other processes keep moving.
const MAX_ATTEMPTS = 50;

interface Pending extends BatchItem {
  resolve(result: AppendResult): void;
  reject(err: unknown): void;
}

export interface AppenderOptions {
  readonly knex: Knex;
  readonly dataKeys: DataKeys;
  readonly clock: () => Date;
  /** Called after each commit with the new head, outside the transaction. */
  readonly onCommit: (head: ChainHead) => void;
}

type AppendOutcome = { ok: true } | { ok: false; position: unknown; hash: string; versions: Record<string, unknown> };

export class Appender {
  private readonly queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;
  private head: ChainHead = { position: 0, hash: GENESIS_HASH };
  private readonly versions = new Map<string, number>();

  constructor(private readonly options: AppenderOptions) {}

  append(item: BatchItem): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      this.kick();
    });
  }

  /** Refuses new appends and resolves once every queued append has committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // An append queued after the drain loop's last look but before this callback.
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    let previousBatch = false;
    while (this.queue.length > 0) {
      // After a batch, one turn of the event loop lets the writers it woke queue up again, so
      // they share the next statement instead of trickling in one by one. A lone writer
      // starting from idle only waits for appends made in the same tick.
      await (previousBatch ? new Promise<void>((resolve) => setImmediate(resolve)) : Promise.resolve());
      previousBatch = true;
      const batch = this.takeBatch();
      try {
        const outcomes = await this.write(batch);
        batch.forEach((p, i) => {
          const outcome = outcomes[i]!;
          if (outcome instanceof Error) p.reject(outcome);
          else p.resolve(outcome);
        });
      } catch (err) {
        const translated = translateDriverError(err);
        for (const p of batch) p.reject(translated);
      }
    }
  }

  private takeBatch(): Pending[] {
    let events = 0;
    let take = 0;
    while (take < this.queue.length && (take === 0 || events + this.queue[take]!.events.length <= MAX_BATCH_EVENTS)) {
      events += this.queue[take]!.events.length;
      take++;
    }
    return this.queue.splice(0, take);
  }

  private async write(batch: Pending[]) {
    const owners = batch.filter((p) => p.events.some((e) => e.personal !== undefined)).map((p) => ({ streamId: p.streamId, owner: p.context.actor }));
    const keys = owners.length > 0 ? await this.options.dataKeys.forWriting(this.options.knex, owners) : new Map<string, Buffer>();
    for (let attempt = 1; ; attempt++) {
      const assumed = new Map<string, number>();
      for (const p of batch) {
        if (assumed.has(p.streamId)) continue;
        // Unknown stream: trust the caller's expectation; if it is wrong, the database says so.
        assumed.set(p.streamId, this.versions.get(p.streamId) ?? (p.expectedVersion === 'any' ? 0 : p.expectedVersion));
      }
      const chained = chainBatch(batch, { head: this.head, versions: assumed, keys, now: this.options.clock(), newId: () => crypto.randomUUID() });
      const outcome = await this.insert(this.head, assumed, chained.events);
      if (outcome.ok) {
        this.head = chained.head;
        for (const [stream, version] of chained.versions) this.rememberVersion(stream, version);
        if (chained.events.length > 0) this.options.onCommit(chained.head);
        return chained.outcomes;
      }
      this.head = { position: toSafeInteger(outcome.position), hash: outcome.hash };
      for (const [stream, version] of Object.entries(outcome.versions)) this.rememberVersion(stream, toSafeInteger(version));
      if (attempt >= MAX_ATTEMPTS) {
        throw new FlurfunkError('database_unavailable', `append gave up after ${MAX_ATTEMPTS} attempts: other processes keep moving the chain head`);
      }
    }
  }

  private async insert(head: ChainHead, versions: Map<string, number>, events: readonly RecordedEvent[]): Promise<AppendOutcome> {
    const [row] = await rawRows<{ outcome: AppendOutcome | string }>(this.options.knex, 'SELECT flurfunk_append(?::bigint, ?, ?::jsonb, ?::jsonb) AS outcome', [
      head.position,
      head.hash,
      JSON.stringify(Object.fromEntries(versions)),
      JSON.stringify(events.map(toWire)),
    ]);
    const outcome = row!.outcome;
    return typeof outcome === 'string' ? (JSON.parse(outcome) as AppendOutcome) : outcome;
  }

  private rememberVersion(stream: string, version: number): void {
    this.versions.delete(stream);
    this.versions.set(stream, version);
    if (this.versions.size > VERSION_CACHE_LIMIT) this.versions.delete(this.versions.keys().next().value as string);
  }
}

/** An event as flurfunk_append() reads it from JSON (the first migration's jsonb_to_recordset columns). */
export function toWire(e: RecordedEvent) {
  return {
    position: e.position,
    id: e.id,
    stream_id: e.streamId,
    stream_version: e.streamVersion,
    type: e.type,
    occurred_at: e.occurredAt.toISOString(),
    actor: e.actor,
    data: e.data,
    payload: e.payload === null ? null : e.payload.toString('base64'),
    policy_version: e.policyVersion,
    correlation_id: e.correlationId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}
