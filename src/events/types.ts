// The shapes of events going into and coming out of the store.
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event as a command proposes it. */
export interface NewEvent {
  /** PascalCase event type, e.g. PostCreated. */
  readonly type: string;
  /** Non-personal facts, stored in clear as jsonb (ids, counts, classifications). */
  readonly data: JsonObject;
  /** Personal content (text, names, file names): sealed under the stream's data key. */
  readonly personal?: JsonValue;
}

/** Who and why: shared by all events of one append. */
export interface AppendContext {
  /** Principal id, or `system:<job>` for scheduled work. */
  readonly actor: string;
  readonly correlationId?: string;
  /** Hash of the policy set that allowed the command. */
  readonly policyVersion?: string;
}

/** A number demands exactly that current version (0: the stream must not exist yet). */
export type ExpectedVersion = number | 'any';

export interface RecordedEvent {
  readonly position: number;
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly type: string;
  readonly occurredAt: Date;
  readonly actor: string;
  readonly data: JsonObject;
  /** The sealed personal content, or null when the event has none. */
  readonly payload: Buffer | null;
  readonly policyVersion: string | null;
  readonly correlationId: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after this append: pass it as the next expected version. */
  readonly streamVersion: number;
  readonly events: readonly RecordedEvent[];
}

/** The newest event's place in the chain; position 0 and the genesis hash when empty. */
export interface ChainHead {
  readonly position: number;
  readonly hash: string;
}
