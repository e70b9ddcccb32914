// Group commit: appends wait in a queue, and one writer turns whatever is queued into a single
// transaction that locks the chain head, checks each stream's expected version, seals personal
// content, chains the hashes and inserts the rows. One lock per batch instead of per event is
// what lets 64 concurrent writers outrun 64 raw INSERTs; the lock is what keeps several
// processes on one database on one chain. A conflict fails only its own append, not the batch.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { StoreClosedError, WrongExpectedVersionError } from '../errors.js';
import { translateDriverError } from '../db/errors.js';
import { toSafeInteger } from '../db/values.js';
import { seal } from '../keys/aead.js';
import type { DataKeys, NewDataKey } from '../keys/data-keys.js';
import { eventHash, GENESIS_HASH } from './chain-hash.js';
import { toRow } from './event-rows.js';
import type { AppendContext, AppendResult, ChainHead, ExpectedVersion, NewEvent, RecordedEvent } from './types.js';

/** pg_advisory_xact_lock key that serializes appends: "flurfunk" in ASCII, as a bigint. */
export const CHAIN_LOCK_KEY = '7380733299763661675';

// Rows per INSERT statement: 13 parameters a row stays well below PostgreSQL's 65,535.
const INSERT_CHUNK = 2_000;
// Events per transaction: bounds lock hold time and memory when the queue runs long.
const MAX_BATCH_EVENTS = 5_000;

export interface AppendRequest {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly context: AppendContext;
}

interface Pending extends AppendRequest {
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

export class Appender {
  private readonly queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: AppenderOptions) {}

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      this.writing ??= this.drain().finally(() => {
        this.writing = undefined;
      });
    });
  }

  /** Refuses new appends and resolves once every queued append has committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      try {
        const { outcomes, head, newKeys } = await this.writeBatch(batch);
        for (const key of newKeys) this.options.dataKeys.remember(key.streamId, key.key);
        this.options.onCommit(head);
        batch.forEach((p, i) => {
          const outcome = outcomes[i];
          if (outcome instanceof Error) p.reject(outcome);
          else p.resolve(outcome as AppendResult);
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

  private async writeBatch(batch: Pending[]) {
    return this.options.knex.transaction(async (trx) => {
      // Lock first, then read in a new statement: its snapshot sees every append that
      // committed before we got the lock.
      await trx.raw('SELECT pg_advisory_xact_lock(?::bigint)', [CHAIN_LOCK_KEY]);
      const streamIds = [...new Set(batch.map((p) => p.streamId))];
      const { head, versions } = await readChainState(trx, streamIds);

      const needKeys = [...new Set(batch.filter((p) => p.events.some((e) => e.personal !== undefined)).map((p) => p.streamId))];
      const keys = needKeys.length > 0 ? await this.options.dataKeys.find(trx, needKeys) : new Map<string, Buffer>();
      const newKeys: NewDataKey[] = [];
      const keyFor = (streamId: string): Buffer => {
        let key = keys.get(streamId);
        if (!key) {
          const created = this.options.dataKeys.create(streamId);
          newKeys.push(created);
          keys.set(streamId, created.key);
          key = created.key;
        }
        return key;
      };

      let position = head.position;
      let prevHash = head.hash;
      const outcomes: (AppendResult | Error)[] = [];
      const recorded: RecordedEvent[] = [];
      for (const p of batch) {
        const current = versions.get(p.streamId) ?? 0;
        if (p.expectedVersion !== 'any' && p.expectedVersion !== current) {
          outcomes.push(new WrongExpectedVersionError(p.streamId, p.expectedVersion, current));
          continue;
        }
        const occurredAt = this.options.clock();
        const events: RecordedEvent[] = [];
        let version = current;
        for (const e of p.events) {
          const id = crypto.randomUUID();
          const payload = e.personal === undefined ? null : seal(keyFor(p.streamId), Buffer.from(JSON.stringify(e.personal), 'utf8'), id);
          const unhashed = {
            position: ++position,
            id,
            streamId: p.streamId,
            streamVersion: ++version,
            type: e.type,
            occurredAt,
            actor: p.context.actor,
            data: e.data,
            payload,
            policyVersion: p.context.policyVersion ?? null,
            correlationId: p.context.correlationId ?? null,
            prevHash,
          };
          prevHash = eventHash(unhashed);
          events.push({ ...unhashed, hash: prevHash });
        }
        versions.set(p.streamId, version);
        recorded.push(...events);
        outcomes.push({ streamId: p.streamId, streamVersion: version, events });
      }

      if (newKeys.length > 0) {
        await trx('stream_keys').insert(newKeys.map((k) => ({ stream_id: k.streamId, wrapped_key: k.wrapped })));
      }
      for (let i = 0; i < recorded.length; i += INSERT_CHUNK) {
        await trx('events').insert(recorded.slice(i, i + INSERT_CHUNK).map(toRow));
      }
      return { outcomes, head: { position, hash: prevHash }, newKeys };
    });
  }
}

/** The chain head and the current version of each named stream, in one round trip. */
async function readChainState(trx: Knex.Transaction, streamIds: string[]): Promise<{ head: ChainHead; versions: Map<string, number> }> {
  const result = (await trx.raw(
    `SELECT
       (SELECT json_build_object('position', position, 'hash', hash) FROM (SELECT position, hash FROM events ORDER BY position DESC LIMIT 1) h) AS head,
       (SELECT coalesce(json_object_agg(stream_id, v), '{}'::json)
          FROM (SELECT stream_id, max(stream_version) AS v FROM events
                 WHERE stream_id IN (SELECT jsonb_array_elements_text(?::jsonb)) GROUP BY stream_id) s) AS versions`,
    [JSON.stringify(streamIds)],
  )) as { rows: { head: { position: number; hash: string } | null; versions: Record<string, number> }[] };
  const row = result.rows[0]!;
  const head = row.head ? { position: toSafeInteger(row.head.position), hash: row.head.hash } : { position: 0, hash: GENESIS_HASH };
  return { head, versions: new Map(Object.entries(row.versions).map(([k, v]) => [k, toSafeInteger(v)])) };
}
