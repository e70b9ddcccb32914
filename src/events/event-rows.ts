// Maps rows of the `events` table, as either driver returns them, to RecordedEvent.
import { toBuffer, toDate, toSafeInteger } from '../db/values.js';
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
