// The hash chain's one definition: an event's hash is SHA-256 over the RFC 8785 canonical
// JSON of its fields, prev_hash included. audit/hash-chain.md documents the same form for
// auditors; test/unit/chain.test.ts pins it with a fixed vector.
import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject, RecordedEvent } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed fields in their hashed form: the time as ISO 8601 UTC with milliseconds, the payload in base64. */
export interface HashedFields {
  readonly actor: string;
  readonly correlationId: string | null;
  readonly data: JsonObject;
  readonly id: string;
  readonly occurredAt: string;
  readonly payload: string | null;
  readonly policyVersion: string | null;
  readonly position: number;
  readonly prevHash: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
}

export function hashedFields(e: Omit<RecordedEvent, 'hash'>): HashedFields {
  return {
    actor: e.actor,
    correlationId: e.correlationId,
    data: e.data,
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    payload: e.payload === null ? null : e.payload.toString('base64'),
    policyVersion: e.policyVersion,
    position: e.position,
    prevHash: e.prevHash,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    type: e.type,
  };
}

/** SHA-256 (hex) over the canonical JSON of the hashed fields. */
export function hashOfFields(fields: HashedFields): string {
  const text = canonicalize(fields);
  if (text === undefined) throw new TypeError('event cannot be canonicalized');
  return crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The exact UTF-8 text that is hashed for an event. */
export function canonicalEventText(e: Omit<RecordedEvent, 'hash'>): string {
  return canonicalize(hashedFields(e))!;
}

export function eventHash(e: Omit<RecordedEvent, 'hash'>): string {
  return hashOfFields(hashedFields(e));
}
