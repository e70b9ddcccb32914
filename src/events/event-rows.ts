// Maps between RecordedEvent and the `events` table's rows, for both drivers.
import { toBuffer, toDate, toSafeInteger } from '../db/values.js';
import type { JsonObject, RecordedEvent } from './types.js';

export const EVENT_COLUMNS = ['position', 'id', 'stream_id', 'stream_version', 'type', 'occurred_at', 'actor', 'data', 'payload', 'policy_version', 'correlation_id', 'prev_hash', 'hash'] as const;

export type EventRow = Record<(typeof EVENT_COLUMNS)[number], unknown>;

export function toRow(e: RecordedEvent): EventRow {
  return {
    position: e.position,
    id: e.id,
    stream_id: e.streamId,
    stream_version: e.streamVersion,
    type: e.type,
    occurred_at: e.occurredAt,
    actor: e.actor,
    // Passed as text: both drivers then store exactly this JSON in the jsonb column.
    data: JSON.stringify(e.data),
    payload: e.payload,
    policy_version: e.policyVersion,
    correlation_id: e.correlationId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

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
