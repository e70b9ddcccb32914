// Which events name one person, for a subject-access export: those they caused (actor), those
// of their own stream `user:<id>`, and those whose clear data names them in any field that holds
// a person id. The fields are listed here, in one place, with the event types that carry them;
// a new event type that names people must add its field (the subject-access test shows what
// is missed).
//
// Cost: the events table has no index on data, and a person's events are spread over all of
// it, so some pass over the table is unavoidable. It must be one pass, not one per page: an
// open-ended "position > after … ORDER BY position LIMIT 1000" with this filter is planned as
// a full scan and sort for every page (PostgreSQL 15 estimates the filter too selective for
// an ordered index walk). A bounded window of positions is always an index range scan on the
// primary key with the filter applied to each row, so the windows together read every event
// once — also on PGlite, which never gathers statistics. Windows are cut at the head as it was
// when the export began. Measured on PostgreSQL 15 with 500,000 events (381 MB): a person named
// by 750 events takes 11 window queries and 2.6 s, one named by 100,000 events 101 queries and
// 8.3 s (mostly transfer); without windows the first person cost two parallel full scans.
import type { Knex } from 'knex';
import { EVENT_COLUMNS, type EventRow } from '../events/event-rows.js';
import { rawRows, toSafeInteger } from '../db/values.js';
import { userStream } from '../identity/user-directory.js';
import type { EventSelection } from './export.js';

/** Data fields that hold one person id, with the events that carry them. */
export const PERSON_FIELDS = [
  'userId', // UserSignedIn, UserProfileChanged, UserGroupsChanged, UserSignedOut, SessionExpired, GuidelineAccepted, ReactionAdded/Removed, PersonFollowed/Unfollowed (the follower), NotificationsRead, ConversationRead
  'personId', // PersonFollowed/Unfollowed (the person followed), SubjectAccessExported
  'authorId', // PostCreated, CommentCreated, MessageSent, AttachmentUploaded
  'postAuthorId', // CommentCreated: a comment on their post
  'startedBy', // ConversationStarted
  'reporterId', // PostReported
  'resolvedBy', // ReportResolved
  'pinnedBy', // PostPinned
  'markedBy', // AnswerMarked
  'actor', // AuditLogRead: someone filtered the audit trail by this person
  'requestedBy', // export jobs
  'placedBy', // legal holds
] as const;

/** Data fields that hold a list of person ids. */
export const PERSON_LIST_FIELDS = [
  'participants', // ConversationStarted, MessageSent, AttachmentUploaded in a conversation
  'mentions', // PostCreated, PostEdited
] as const;

/** Data fields that hold a stream id (audit queries and exports filtered by the person's stream). */
const STREAM_FIELDS = ['streamId'] as const;

/** Events per window: about 0.2 s of index range scan on PostgreSQL 15. */
const WINDOW = 50_000;

/** The containment tests (jsonb @>) that find `personId` in an event's data, with their bindings. */
export function namingConditions(personId: string): { sql: string; bindings: string[] } {
  const patterns: object[] = [
    ...PERSON_FIELDS.map((f) => ({ [f]: personId })),
    ...PERSON_LIST_FIELDS.map((f) => ({ [f]: [personId] })),
    ...STREAM_FIELDS.map((f) => ({ [f]: userStream(personId) })),
    // AuditExported records its filters nested.
    { filters: { actor: personId } },
    { filters: { streamId: userStream(personId) } },
  ];
  const tests = ['actor = ?', 'stream_id = ?', ...patterns.map(() => 'data @> ?::jsonb')];
  return { sql: `(${tests.join(' OR ')})`, bindings: [personId, userStream(personId), ...patterns.map((p) => JSON.stringify(p))] };
}

/** Every event naming `personId`, page by page in position order, in one pass over the table. */
export function subjectSelection(knex: Knex, personId: string): EventSelection {
  const naming = namingConditions(personId);
  const columns = EVENT_COLUMNS.join(', ');
  let head: number | undefined;
  return async (after, limit) => {
    if (head === undefined) {
      const [row] = await rawRows<{ head: unknown }>(knex, 'SELECT coalesce(max(position), 0) AS head FROM events');
      head = toSafeInteger(row!.head);
    }
    for (let from = after; from < head; from += WINDOW) {
      const to = Math.min(from + WINDOW, head);
      const rows = await rawRows<EventRow>(knex, `SELECT ${columns} FROM events WHERE position > ? AND position <= ? AND ${naming.sql} ORDER BY position LIMIT ?`, [from, to, ...naming.bindings, limit]);
      if (rows.length > 0) return rows;
    }
    return [];
  };
}
