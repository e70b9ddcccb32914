// Reads rows of the `events` table, as either driver returns them, into RecordedEvent.
import type { Knex } from 'knex';
import { rawRows, toBuffer, toDate, toSafeInteger } from '../db/values.js';
import type { JsonObject, RecordedEvent } from './types.js';

export const EVENT_COLUMNS = ['position', 'id', 'stream_id', 'stream_version', 'type', 'occurred_at', 'actor', 'data', 'payload', 'policy_version', 'correlation_id', 'prev_hash', 'hash'] as const;

export type EventRow = Record<(typeof EVENT_COLUMNS)[number], unknown>;

export function fromRow(row: EventRow): RecordedEvent {
  return {
    position: toSafeInteger(row.position),
    id: row.id as string,
    streamId: row.stream_id as string,
    streamVersion: toSafeInteger(row.stream_version),
    type: row.type as string,
    occurredAt: toDate(row.occurred_at),
    actor: row.actor as string,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as JsonObject,
    payload: row.payload === null ? null : toBuffer(row.payload),
    policyVersion: row.policy_version as string | null,
    correlationId: row.correlation_id as string | null,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

/**
 * Events with positions in (after, after + limit]. A bounded range on the primary key is
 * planned as an index scan even on a table that was never analyzed (PGlite never runs
 * autovacuum), where "position > X ORDER BY position LIMIT N" became a full scan and sort.
 * Positions are gap-free, so the range holds exactly the next `limit` events.
 */
export async function eventsInRange(db: Knex, after: number, limit: number): Promise<RecordedEvent[]> {
  const rows = await db('events').select<EventRow[]>(EVENT_COLUMNS).where('position', '>', after).andWhere('position', '<=', after + limit).orderBy('position');
  return rows.map(fromRow);
}

/** The smallest stored position after `after`: finds the end of the chain, or jumps a hole. */
export async function firstPositionAfter(db: Knex, after: number): Promise<number | undefined> {
  const [row] = await rawRows<{ p: unknown }>(db, 'SELECT min(position) AS p FROM events WHERE position > ?', [after]);
  return row?.p == null ? undefined : toSafeInteger(row.p);
}
