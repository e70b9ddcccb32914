// The `retention_streams` read model: each stream whose content retention may shred, with the
// facts the rules and holds ask about (space, classification, people, first and last content)
// — so the sweeper plans from one indexed table, never from the whole event history.
//
// Kinds: a post's thread (post, edits, comments, reports), a conversation, an attachment, and
// audit streams with sealed reasons (privileged reads; legal holds, only once lifted: an
// active hold is never retention's to shred). The shred projection removes a row with its
// stream.
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';
import type { RecordedEvent } from '../events/types.js';

type Kind = 'post' | 'conversation' | 'attachment' | 'audit';

interface Touch {
  readonly kind: Kind;
  readonly spaceId?: string;
  readonly classification?: string;
  readonly people: readonly string[];
  readonly comment?: boolean;
}

function touchOf(e: RecordedEvent): Touch | undefined {
  const d = e.data as Record<string, unknown>;
  const people = (...ids: unknown[]) => ids.flatMap((v) => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []));
  switch (e.type) {
    case 'PostCreated':
      return { kind: 'post', spaceId: d.spaceId as string, classification: d.classification as string, people: people(d.authorId) };
    case 'PostEdited':
      return { kind: 'post', people: people(e.actor) };
    case 'CommentCreated':
      return { kind: 'post', people: people(d.authorId), comment: true };
    case 'PostReported':
      return { kind: 'post', people: people(d.reporterId) };
    case 'ConversationStarted':
      return { kind: 'conversation', people: people(d.participants) };
    case 'MessageSent':
      return { kind: 'conversation', people: people(d.authorId) };
    case 'AttachmentUploaded':
      return { kind: 'attachment', spaceId: d.spaceId as string | undefined, classification: d.classification as string | undefined, people: people(d.authorId) };
    case 'PrivilegedContentRead':
      return { kind: 'audit', people: people(e.actor) };
    case 'LegalHoldLifted':
      return { kind: 'audit', people: [] };
    default:
      return undefined;
  }
}

export const retentionStreamsProjection: Projection = {
  name: 'retention_streams',
  types: new Set(['PostCreated', 'PostEdited', 'CommentCreated', 'PostReported', 'ConversationStarted', 'MessageSent', 'AttachmentUploaded', 'PrivilegedContentRead', 'LegalHoldLifted']),
  async apply(trx, events) {
    for (const { event } of events) {
      const touch = touchOf(event);
      if (touch) await record(trx, event, touch);
    }
  },
  async clear(trx) {
    await trx('retention_streams').delete();
  },
};

async function record(trx: Knex.Transaction, e: RecordedEvent, t: Touch): Promise<void> {
  // A conflict means a later event of a stream already known: it moves the stream's last
  // content forward and adds its author; the space and classification stay the first event's.
  await trx.raw(
    `INSERT INTO retention_streams (stream_id, kind, space_id, classification, has_comments, people, first_at, last_at)
     VALUES (?, ?, ?, ?, ?, ?::text[], ?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET
       last_at = GREATEST(retention_streams.last_at, EXCLUDED.last_at),
       has_comments = retention_streams.has_comments OR EXCLUDED.has_comments,
       people = ARRAY(SELECT DISTINCT unnest(retention_streams.people || EXCLUDED.people) ORDER BY 1)`,
    [e.streamId, t.kind, t.spaceId ?? null, t.classification ?? null, t.comment === true, [...new Set(t.people)].sort(), e.occurredAt, e.occurredAt],
  );
}
