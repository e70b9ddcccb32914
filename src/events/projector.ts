// Keeps read models current from the events. Every process runs the projector; each batch is
// applied per projection in one transaction that first locks the projection's row in
// `projection_positions`, so with several processes every event is applied exactly once and
// positions only move forward. Personal content is opened before the transaction (opening it
// reads a data key, which on the embedded database's single connection could not wait inside
// a transaction). Commands wait for the projections to reach their append's position before
// they answer, so a client reads its own writes.
import type { Knex } from 'knex';
import { ReadModelLagError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { EventStore, Subscription } from './event-store.js';
import type { JsonValue, RecordedEvent } from './types.js';

export interface ProjectedEvent {
  readonly event: RecordedEvent;
  /** The opened personal content; undefined when the event has none or its key is shredded. */
  readonly personal: JsonValue | undefined;
}

export interface Projection {
  /** Its row in projection_positions. */
  readonly name: string;
  /** The event types it reads; the others only move its position. */
  readonly types: ReadonlySet<string>;
  /** Narrows `types` by an event's facts (a post with no attachments is none of theirs), so such events cost it no transaction. */
  readonly accepts?: (event: RecordedEvent) => boolean;
  /** Types whose personal content it needs opened. */
  readonly personalTypes?: ReadonlySet<string>;
  apply(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<void>;
  /** Removes every row it wrote (`events rebuild`). */
  clear(trx: Knex.Transaction): Promise<void>;
  /**
   * Its events change what other projections wrote (an erasure): each one ends a batch, so every
   * projection has applied what came before it, and nothing that came after, when it applies.
   */
  readonly cutsBatches?: boolean;
}

/** Splits a batch after each event of the given types, so those events see the others applied up to them and no further. */
export function segments(events: readonly RecordedEvent[], cutTypes: ReadonlySet<string>): RecordedEvent[][] {
  const out: RecordedEvent[][] = [[]];
  for (const e of events) {
    out[out.length - 1]!.push(e);
    if (cutTypes.has(e.type)) out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

const cutTypesOf = (projections: readonly Projection[]) => new Set(projections.filter((p) => p.cutsBatches).flatMap((p) => [...p.types]));

const WAIT_MS = 10_000;
/** Events a projection may fall behind in its stored position while reading none of them. */
const IDLE_ADVANCE = 10_000;
/** After a failed batch (database away, a bug in a projection), try it again this much later. */
const RETRY_MS = 1_000;

export class Projector {
  private subscription: Subscription | undefined;
  private position = 0;
  /** Where each projection's row was last written by this process (or read at start). */
  private readonly stored = new Map<string, number>();
  private failingSince: Date | undefined;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();

  private constructor(
    private readonly knex: Knex,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly logger: Logger,
  ) {}

  static async start(knex: Knex, store: EventStore, projections: readonly Projection[], logger: Logger): Promise<Projector> {
    const projector = new Projector(knex, store, projections, logger);
    for (const p of projections) await knex.raw('INSERT INTO projection_positions (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING', [p.name]);
    const rows = await knex<{ name: string; position: string | number }>('projection_positions').whereIn('name', projections.map((p) => p.name));
    projector.position = rows.length === 0 ? (await store.head()).position : Math.min(...rows.map((r) => Number(r.position)));
    for (const r of rows) projector.stored.set(r.name, Number(r.position));
    const cutTypes = cutTypesOf(projections);
    projector.subscription = store.subscribe(
      projector.position,
      async (events) => {
        for (const segment of segments(events, cutTypes)) await projector.applyBatch(segment);
      },
      { retryMs: RETRY_MS },
    );
    projector.subscription.done.catch((err: unknown) => logger.error({ err }, 'the projector stopped following the events'));
    return projector;
  }

  /** Resolves once every projection has applied the events up to `position`. */
  waitFor(position: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new ReadModelLagError(position));
      }, WAIT_MS);
      this.waiters.add(waiter);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  /** For readiness: how far the read models are, and since when batches have been failing. */
  health(): { position: number; failingSince: Date | undefined } {
    return { position: this.position, failingSince: this.failingSince };
  }

  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    // Every process follows every event: a key shredded by another process leaves this one's cache too.
    for (const e of events) {
      if (e.type === 'ContentShredded') this.store.forgetKeys([e.streamId]);
      if (e.type === 'PersonErased') this.store.forgetKeys((e.data.streams as { streamId: string }[]).map((s) => s.streamId), e.data.personId as string);
    }
    try {
      for (const projection of this.projections) {
        if (await applyTo(this.knex, this.store, projection, events)) this.stored.set(projection.name, last);
        else if (last - (this.stored.get(projection.name) ?? 0) >= IDLE_ADVANCE) {
          // A projection that reads none of a long run of events records that it is past them,
          // so a restart does not offer it the whole run again. Never backwards.
          await this.knex.raw('UPDATE projection_positions SET position = GREATEST(position, ?) WHERE name = ?', [last, projection.name]);
          this.stored.set(projection.name, last);
        }
      }
    } catch (err) {
      this.failingSince ??= new Date();
      throw err; // the subscription retries the batch
    }
    this.failingSince = undefined;
    this.position = last;
    for (const w of [...this.waiters]) {
      if (w.position <= last) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
    this.logger.trace({ position: last }, 'read models applied');
  }
}

/** Applies a batch to one projection, once: events at or before its recorded position are skipped. */
async function applyTo(knex: Knex, store: EventStore, projection: Projection, events: readonly RecordedEvent[]): Promise<boolean> {
  const last = events[events.length - 1]!.position;
  const opened: ProjectedEvent[] = [];
  for (const event of events) {
    if (!projection.types.has(event.type) || projection.accepts?.(event) === false) continue;
    let personal: JsonValue | undefined;
    if (projection.personalTypes?.has(event.type)) {
      const content = await store.personal(event);
      personal = content.state === 'present' ? content.value : undefined;
    }
    opened.push({ event, personal });
  }
  // Nothing it reads: no transaction. Its stored position may then trail the others; that only
  // means a restart offers it events it skips (the row lock below keeps every apply exactly-once).
  if (opened.length === 0) return false;
  await knex.transaction(async (trx) => {
    const row = (await trx.raw<{ rows: { position: string | number }[] }>('SELECT position FROM projection_positions WHERE name = ? FOR UPDATE', [projection.name])).rows[0];
    const done = Number(row?.position ?? 0);
    if (done >= last) return; // another process got there first
    const fresh = opened.filter((p) => p.event.position > done);
    if (fresh.length > 0) await projection.apply(trx, fresh);
    await trx('projection_positions').where({ name: projection.name }).update({ position: last });
  });
  return true;
}

/**
 * Recreates every read model from the events: clears each, then applies the whole history.
 * Run it while no server uses the database (a running projector would move the positions).
 */
export async function rebuildReadModels(knex: Knex, store: EventStore, projections: readonly Projection[], batchSize = 1_000): Promise<{ events: number }> {
  for (const projection of projections) {
    await knex.transaction(async (trx) => {
      await projection.clear(trx);
      await trx.raw('INSERT INTO projection_positions (name, position) VALUES (?, 0) ON CONFLICT (name) DO UPDATE SET position = 0', [projection.name]);
    });
  }
  let position = 0;
  let count = 0;
  const cutTypes = cutTypesOf(projections);
  for (;;) {
    const events = await store.readAll(position, batchSize);
    if (events.length === 0) {
      // Every projection has seen the whole history, also those that read none of it.
      if (position > 0) await knex('projection_positions').whereIn('name', projections.map((p) => p.name)).update({ position });
      return { events: count };
    }
    for (const segment of segments(events, cutTypes)) for (const projection of projections) await applyTo(knex, store, projection, segment);
    position = events[events.length - 1]!.position;
    count += events.length;
  }
}
