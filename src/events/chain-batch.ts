// The decision at the heart of an append, as a pure function: given the chain head and stream
// versions believed current, decide which queued appends conflict, and chain, seal and hash
// the events of the rest. No I/O: the clock, ids and keys come in as arguments.
import { WrongExpectedVersionError } from '../errors.js';
import { seal } from '../keys/aead.js';
import { refKey } from '../keys/data-keys.js';
import { eventHash } from './chain-hash.js';
import type { AppendContext, AppendResult, ChainHead, ExpectedVersion, NewEvent, RecordedEvent } from './types.js';

export interface BatchItem {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly NewEvent[];
  readonly context: AppendContext;
}

export interface ChainedBatch {
  /** One per item, in order: its result, or the conflict that refuses it. */
  readonly outcomes: readonly (AppendResult | WrongExpectedVersionError)[];
  readonly events: readonly RecordedEvent[];
  readonly head: ChainHead;
  /** Each touched stream's version after the batch. */
  readonly versions: ReadonlyMap<string, number>;
}

export interface ChainInputs {
  readonly head: ChainHead;
  /** Versions before the batch of every stream the batch touches. */
  readonly versions: ReadonlyMap<string, number>;
  /** Data keys, by refKey (stream and actor), of the events that carry personal content. */
  readonly keys: ReadonlyMap<string, Buffer>;
  readonly now: Date;
  readonly newId: () => string;
}

export function chainBatch(items: readonly BatchItem[], inputs: ChainInputs): ChainedBatch {
  const versions = new Map(inputs.versions);
  let position = inputs.head.position;
  let prevHash = inputs.head.hash;
  const outcomes: (AppendResult | WrongExpectedVersionError)[] = [];
  const all: RecordedEvent[] = [];
  for (const item of items) {
    const current = versions.get(item.streamId) ?? 0;
    if (item.expectedVersion !== 'any' && item.expectedVersion !== current) {
      outcomes.push(new WrongExpectedVersionError(item.streamId, item.expectedVersion, current));
      continue;
    }
    const events: RecordedEvent[] = [];
    let version = current;
    for (const e of item.events) {
      const id = inputs.newId();
      let payload: Buffer | null = null;
      if (e.personal !== undefined) {
        const key = inputs.keys.get(refKey({ streamId: item.streamId, owner: item.context.actor }));
        if (!key) throw new Error(`no data key for stream ${item.streamId} of ${item.context.actor}`);
        payload = seal(key, Buffer.from(JSON.stringify(e.personal), 'utf8'), id);
      }
      const unhashed = {
        position: ++position,
        id,
        streamId: item.streamId,
        streamVersion: ++version,
        type: e.type,
        occurredAt: inputs.now,
        actor: item.context.actor,
        data: e.data,
        payload,
        policyVersion: item.context.policyVersion ?? null,
        correlationId: item.context.correlationId ?? null,
        prevHash,
      };
      prevHash = eventHash(unhashed);
      events.push({ ...unhashed, hash: prevHash });
    }
    versions.set(item.streamId, version);
    all.push(...events);
    outcomes.push({ streamId: item.streamId, streamVersion: version, events });
  }
  return { outcomes, events: all, head: { position, hash: prevHash }, versions };
}
