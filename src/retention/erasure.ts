// Erasure on request (GDPR Art. 17): destroys every data key that seals one person's content —
// their posts, comments, messages, conversation titles, files and profile — so their words can
// never be read again, while everyone else's content (sealed under their own keys, in the same
// threads and conversations) stays intact. The events stay: the chain keeps its pseudonymous
// skeleton (ids, times, types) and verifies as before.
//
// Legal holds win: a stream an active hold covers keeps this person's content, and the receipt
// says which holds kept how many. The hold check runs inside the hold barrier (held.ts), so a
// hold placed meanwhile is either seen or placed after the erasure committed.
//
// The receipt is the PersonErased event on `erasure:<id>`, listing each stream whose key went
// with the SHA-256 fingerprint of the wrapped key, the counts and the held streams; the reason
// and case reference are sealed. The erasure projection carries it out (keys and read-model
// rows); a signed, verifiable copy is an audit export of that stream.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { rawRows, toBuffer, toTextArray } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import { keyFingerprint } from '../keys/data-keys.js';
import { asSubject } from '../policy/compile.js';
import { refusal } from '../policy/refusal.js';
import { decidingPolicy, type Caller } from '../posts/commands.js';
import type { ShredCandidate } from './held.js';
import { objectBody, REASON_MAX, REASON_MIN, CASE_MAX, statedText } from './hold-request.js';
import type { RetentionDeps } from './retention-service.js';

export const erasureStream = (id: string) => `erasure:${id}`;

/** The kinds of stream whose sealed content is a person's own: erased with them. Audit records (hold reasons, privileged-read reasons) are not. */
const PERSONAL_KINDS = ['post', 'conversation', 'attachment'];

export interface ErasureCounts {
  readonly posts: number;
  readonly comments: number;
  readonly messages: number;
  readonly attachments: number;
  readonly profile: boolean;
}

export interface ErasureResult {
  readonly erasureId: string | null;
  readonly dryRun: boolean;
  readonly personId: string;
  /** Streams whose key of this person was (or would be) destroyed. */
  readonly streams: number;
  readonly erased: ErasureCounts;
  /** Streams kept because legal holds cover them, per hold (never the matter). */
  readonly held: readonly { readonly holdId: string; readonly streams: number }[];
  readonly heldStreams: number;
  /** The position of the PersonErased event: an audit export of `erasure:<id>` is the signed receipt. */
  readonly position: number | null;
}

interface KeyRow {
  stream_id: string;
  wrapped_key: unknown;
}

interface StreamFacts {
  stream_id: string;
  space_id: string | null;
  people: string[] | string;
  first_at: Date | string;
  last_at: Date | string;
}


/** What of the person's is in the streams that go (counted from the read models, before they change). */
async function counts(knex: Knex, personId: string, streams: readonly string[]): Promise<ErasureCounts> {
  const ids = (kind: string) => streams.filter((s) => s.startsWith(`${kind}:`)).map((s) => s.slice(kind.length + 1));
  const count = async (table: string, column: string, list: string[]) => {
    if (list.length === 0) return 0;
    const [row] = (await knex(table).where('author_id', personId).whereIn(column, list).count({ n: '*' })) as [{ n: string | number }];
    return Number(row.n);
  };
  const posts = ids('post');
  return {
    posts: await count('posts', 'id', posts),
    comments: await count('comments', 'post_id', posts),
    messages: await count('messages', 'conversation_id', ids('conversation')),
    attachments: await count('attachments', 'id', ids('attachment')),
    profile: streams.includes(`user:${personId}`),
  };
}

/** Erases one person's content on a DPO's authority (`erase` on User), or reports what it would erase (`dryRun`). */
export async function erasePerson(deps: RetentionDeps, caller: Caller, personId: string, body: unknown, options: { dryRun: boolean }): Promise<ErasureResult> {
  const knex = deps.db.knex;
  const { policy, ability } = decidingPolicy({ ...deps, knex }, caller);
  const person: { id: string; groups: string[]; first_seen_at: Date | string; last_sign_in_at: Date | string } | undefined = await knex('users').where({ id: personId }).first('id', 'groups', 'first_seen_at', 'last_sign_in_at');
  const subject = asSubject('User', { userId: personId, groups: person?.groups ?? [] });
  if (!ability.can('erase', subject as never)) throw refusal(ability, 'erase', subject, 'Erasure on request is for those the policy names (data-protection officers).');
  if (!person) throw new NotFoundError();
  const b = objectBody(body ?? {}, ['reason', 'caseReference']);
  const reason = options.dryRun && b.reason === undefined ? undefined : statedText(b.reason, 'reason', REASON_MIN, REASON_MAX, 'say why the person’s content is erased (e.g. their request of a date)');
  const caseReference = b.caseReference === undefined ? undefined : statedText(b.caseReference, 'caseReference', 1, CASE_MAX, 'name the request or matter');

  // Settle the read models first: the candidates' facts and the counts come from them.
  await deps.projector.waitFor((await deps.store.head()).position);
  const keys = await rawRows<KeyRow>(
    knex,
    `SELECT stream_id, wrapped_key FROM stream_keys
      WHERE owner = ? AND (split_part(stream_id, ':', 1) = ANY(?::text[]) OR stream_id = ?)
      ORDER BY stream_id`,
    [personId, PERSONAL_KINDS, `user:${personId}`],
  );
  const streamIds = keys.map((k) => k.stream_id);
  const facts = new Map((await rawRows<StreamFacts>(knex, 'SELECT stream_id, space_id, people, first_at, last_at FROM retention_streams WHERE stream_id = ANY(?::text[])', [streamIds])).map((f) => [f.stream_id, f]));
  // Everyone whose content or conversation a stream is: a hold on any of them keeps this person's part too.
  const candidates: ShredCandidate[] = streamIds.map((streamId) => {
    const f = facts.get(streamId);
    if (f) return { streamId, spaceId: f.space_id ?? undefined, people: [...new Set([personId, ...toTextArray(f.people)])], from: new Date(f.first_at), to: new Date(f.last_at) };
    return { streamId, spaceId: undefined, people: [personId], from: new Date(person.first_seen_at), to: new Date(person.last_sign_in_at) };
  });

  const result = (erasureId: string | null, erased: readonly ShredCandidate[], held: ReadonlyMap<string, readonly { holdId: string }[]>, erasedCounts: ErasureCounts, position: number | null): ErasureResult => {
    return {
      erasureId,
      dryRun: erasureId === null,
      personId,
      streams: erased.length,
      erased: erasedCounts,
      held: heldList(held),
      heldStreams: held.size,
      position,
    };
  };

  if (options.dryRun) {
    const held = await deps.holds.coveringEach(candidates);
    const erased = candidates.filter((c) => !held.has(c.streamId));
    return result(null, erased, held, await counts(knex, personId, erased.map((c) => c.streamId)), null);
  }

  const erasureId = crypto.randomUUID();
  const fingerprints = new Map(keys.map((k) => [k.stream_id, keyFingerprint(toBuffer(k.wrapped_key))]));
  const sealed = { reason: reason!, ...(caseReference !== undefined ? { caseReference } : {}) };
  const record = async (erased: readonly ShredCandidate[], keptBy: ReadonlyMap<string, readonly { holdId: string }[]>) => {
    const erasedCounts = await counts(knex, personId, erased.map((c) => c.streamId));
    const data = {
      erasureId,
      personId,
      streams: erased.map((c) => ({ streamId: c.streamId, fingerprint: fingerprints.get(c.streamId)! })),
      counts: { ...erasedCounts },
      held: heldList(keptBy),
      heldStreams: keptBy.size,
    };
    const appended = await deps.store.append(erasureStream(erasureId), [{ type: 'PersonErased', data, personal: sealed }], {
      expectedVersion: 0,
      actor: caller.principal.id,
      correlationId: caller.correlationId,
      policyVersion: policy.version,
    });
    const position = appended.events[0]!.position;
    await deps.projector.waitFor(position);
    return { erased, counts: erasedCounts, position };
  };
  let recorded: Awaited<ReturnType<typeof record>> | undefined;
  const held = await deps.holds.unlessHeldEach(candidates, async (unheld) => {
    const ids = new Set(unheld.map((c) => c.streamId));
    recorded = await record(unheld, await deps.holds.coveringEach(candidates.filter((c) => !ids.has(c.streamId))));
  });
  // Every stream of theirs is held (or there is none): the erasure is still recorded, erasing nothing.
  recorded ??= await record([], held);
  deps.store.forgetKeys(recorded.erased.map((c) => c.streamId), personId);
  deps.logger.info({ erasureId, streams: recorded.erased.length, held: held.size }, 'person erased');
  return result(erasureId, recorded.erased, held, recorded.counts, recorded.position);
}

/** Per hold, how many streams it keeps (a stream several holds cover counts for each). */
function heldList(held: ReadonlyMap<string, readonly { holdId: string }[]>): { holdId: string; streams: number }[] {
  const totals = new Map<string, number>();
  for (const matches of held.values()) for (const m of matches) totals.set(m.holdId, (totals.get(m.holdId) ?? 0) + 1);
  return [...totals].map(([holdId, streams]) => ({ holdId, streams }));
}
