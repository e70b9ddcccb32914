// The hash chain's one definition: an event's hash is SHA-256 over the RFC 8785 canonical
// JSON of its fields, prev_hash included. audit/hash-chain.md documents the same form for
// auditors; test/unit/chain-hash.test.ts pins it with a fixed vector.
import crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import type { RecordedEvent } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

type Hashed = Omit<RecordedEvent, 'hash'>;

/** The exact UTF-8 text that is hashed for an event. */
export function canonicalEventText(e: Hashed): string {
  const text = canonicalize({
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
  });
  if (text === undefined) throw new TypeError('event cannot be canonicalized');
  return text;
}

export function eventHash(e: Hashed): string {
  return crypto.createHash('sha256').update(canonicalEventText(e), 'utf8').digest('hex');
}
