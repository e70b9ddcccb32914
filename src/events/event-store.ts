// The event store's public face: append with optimistic concurrency, read a stream, read all
// from a position, subscribe, and open the sealed personal content of an event. Everything
// that changes Flurfunk goes through `append`.
import type { Knex } from 'knex';
import type { Logger } from '../log/logger.js';
import { open, seal } from '../keys/aead.js';
import { refKey, type DataKeys } from '../keys/data-keys.js';
import { Appender } from './appender.js';
import { GENESIS_HASH } from './chain-hash.js';
import type { Checkpointer } from './checkpoints.js';
import { EVENT_COLUMNS, eventsInRange, firstPositionAfter, fromRow, type EventRow } from './event-rows.js';
import type { AppendContext, AppendResult, ChainHead, ExpectedVersion, JsonValue, NewEvent, RecordedEvent } from './types.js';
import { validateAppend } from './validate-event.js';
import type { Wakeup } from './wakeup.js';
import { toSafeInteger } from '../db/values.js';

export interface AppendOptions extends AppendContext {
  readonly expectedVersion: ExpectedVersion;
}

export type PersonalContent = { readonly state: 'none' } | { readonly state: 'present'; readonly value: JsonValue } | { readonly state: 'shredded' };

export interface Subscription {
  stop(): Promise<void>;
  /** Settles when the subscription ends; rejects if the handler threw. */
  readonly done: Promise<void>;
}

export interface SubscribeOptions {
  readonly batchSize?: number;
  /** Poll interval when no wake-up arrives, in milliseconds. */
  readonly pollMs?: number;
  /** Set: a failing read or handler is retried after this many milliseconds instead of ending the subscription. */
  readonly retryMs?: number;
}

export interface EventStoreParts {
  readonly knex: Knex;
  readonly dataKeys: DataKeys;
  readonly wakeup: Wakeup;
  readonly checkpointer: Checkpointer;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /**
   * Further checks of what a command proposes, after the store's own (the runtime passes the
   * audit event catalogue here); throws InvalidEventError to refuse, before anything is written.
   */
  readonly checkEvents?: (streamId: string, events: readonly NewEvent[]) => void;
}

export class EventStore {
  private readonly appender: Appender;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly parts: EventStoreParts) {
    this.appender = new Appender({
      knex: parts.knex,
      dataKeys: parts.dataKeys,
      clock: parts.clock ?? (() => new Date()),
      onCommit: (head) => {
        parts.checkpointer.observe(head);
        parts.wakeup.committed();
      },
    });
  }

  /** Appends events to one stream atomically; rejects with WrongExpectedVersionError on a conflict. */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const { expectedVersion, ...context } = options;
    try {
      validateAppend(streamId, events, context);
      this.parts.checkEvents?.(streamId, events);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (expectedVersion !== 'any' && (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)) {
      return Promise.reject(new TypeError('expectedVersion must be a non-negative integer or "any"'));
    }
    return this.appender.append({ streamId, expectedVersion, events, context });
  }

  /** A stream's events from `fromVersion` on, at most `limit` (default 10,000): page with fromVersion for longer streams. */
  async readStream(streamId: string, options: { fromVersion?: number; limit?: number } = {}): Promise<RecordedEvent[]> {
    const rows = (await this.parts.knex('events')
      .select(EVENT_COLUMNS)
      .where('stream_id', streamId)
      .andWhere('stream_version', '>=', options.fromVersion ?? 1)
      .orderBy('stream_version')
      .limit(options.limit ?? 10_000)) as EventRow[];
    return rows.map(fromRow);
  }

  /** Up to `limit` events with a position greater than `afterPosition`, in order. */
  async readAll(afterPosition: number, limit = 1_000): Promise<RecordedEvent[]> {
    const events = await eventsInRange(this.parts.knex, afterPosition, limit);
    if (events.length > 0) return events;
    // Nothing in range: the head, or (only if rows were removed behind our back) a hole.
    const next = await firstPositionAfter(this.parts.knex, afterPosition);
    return next === undefined ? [] : eventsInRange(this.parts.knex, next - 1, limit);
  }

  async head(): Promise<ChainHead> {
    const row = await this.parts.knex<{ position: unknown; hash: string }>('events').orderBy('position', 'desc').first('position', 'hash');
    return row ? { position: toSafeInteger(row.position), hash: row.hash } : { position: 0, hash: GENESIS_HASH };
  }

  /** Opens an event's personal content, or says that there is none or that its key was destroyed. */
  async personal(event: RecordedEvent): Promise<PersonalContent> {
    return (await this.personalOfEach([event]))[0]!;
  }

  /** The personal content of many events, their streams' keys fetched in one query (exports read pages). */
  async personalOfEach(events: readonly RecordedEvent[]): Promise<PersonalContent[]> {
    const sealed = events.filter((e) => e.payload !== null).map((e) => ({ streamId: e.streamId, owner: e.actor }));
    const keys = sealed.length === 0 ? new Map<string, Buffer>() : await this.parts.dataKeys.find(this.parts.knex, sealed);
    return events.map((event): PersonalContent => {
      if (event.payload === null) return { state: 'none' };
      const key = keys.get(refKey({ streamId: event.streamId, owner: event.actor }));
      if (!key) return { state: 'shredded' };
      let plain: Buffer;
      try {
        plain = open(key, event.payload, event.id);
      } catch {
        // The author's key of this stream was destroyed (erasure) and they got a new one since,
        // which cannot open what the old one sealed: shredded. An altered payload also fails
        // here; `events verify` names it, as the chain's hashes cover the sealed bytes.
        return { state: 'shredded' };
      }
      return { state: 'present', value: JSON.parse(plain.toString('utf8')) as JsonValue };
    });
  }

  /**
   * Seals bytes that belong to a stream but are too big for an event (attachment chunks)
   * under that stream's data key of `owner` (who wrote them), creating the key if there is
   * none yet. The label binds each box to its place, as an event id binds a payload.
   */
  async sealerFor(streamId: string, owner: string): Promise<(plaintext: Buffer, label: string) => Buffer> {
    const ref = { streamId, owner };
    const key = (await this.parts.dataKeys.forWriting(this.parts.knex, [ref])).get(refKey(ref))!;
    return (plaintext, label) => seal(key, plaintext, label);
  }

  /** Opens what `sealerFor` sealed; undefined when the stream's key was destroyed. */
  async openerFor(streamId: string, owner: string): Promise<((box: Buffer, label: string) => Buffer) | undefined> {
    const ref = { streamId, owner };
    const key = (await this.parts.dataKeys.find(this.parts.knex, [ref])).get(refKey(ref));
    return key && ((box, label) => open(key, box, label));
  }

  /** Drops cached data keys (of one owner, or all) of streams whose keys were destroyed, so nothing opens from memory. */
  forgetKeys(streamIds: Iterable<string>, owner?: string): void {
    for (const id of streamIds) this.parts.dataKeys.forget(id, owner);
  }

  /** Calls `handler` with every event after `afterPosition`, in order, now and as they arrive. */
  subscribe(afterPosition: number, handler: (events: RecordedEvent[]) => Promise<void>, options: SubscribeOptions = {}): Subscription {
    let stopped = false;
    let position = afterPosition;
    const run = async () => {
      const batchSize = options.batchSize ?? 500;
      while (!stopped) {
        try {
          // Read the wake-up count first: a commit after this point wakes the wait below at once.
          const seen = this.parts.wakeup.generation;
          const events = await this.readAll(position, batchSize);
          if (events.length > 0) {
            await handler(events);
            position = events[events.length - 1]!.position;
            // A full batch may have more behind it; a short one was everything there was when
            // read, so look again only after a wake-up (or the poll) rather than straight away.
            if (events.length === batchSize) continue;
          }
          await this.parts.wakeup.wait(options.pollMs ?? 1_000, seen);
        } catch (err) {
          if (options.retryMs === undefined) throw err;
          // A lost connection or a failing batch must not stop a read model for good: the
          // same batch is offered again (handlers are idempotent by position).
          this.parts.logger.error({ err, position }, 'event subscription failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, options.retryMs));
        }
      }
    };
    const done = run();
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        this.parts.wakeup.wakeLocal();
        this.subscriptions.delete(subscription);
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    done.catch((err: unknown) => {
      this.subscriptions.delete(subscription);
      this.parts.logger.error({ err }, 'event subscription stopped by an error');
    });
    return subscription;
  }

  /** Finishes queued appends, signs a last checkpoint, and ends subscriptions. */
  async close(): Promise<void> {
    await this.appender.close();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.parts.checkpointer.close();
    await this.parts.wakeup.close();
  }
}
