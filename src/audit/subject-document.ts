// `subject.json` of a subject-access export: what Flurfunk holds about one person as the read
// models show it today — profile, sign-ins and sessions, their posts, comments, conversations,
// messages and files, follows, reactions, reports, and the notifications that concern them.
// Their own words are included as `subject-content.ts` decides; of other people's content only
// facts. Each list is read page by page along an index on the person (see the migration
// subject_access_indexes) and written as it is read, so a person with 100,000 posts costs no
// more memory than one with ten.
import type { Knex } from 'knex';
import { rawRows, toDate, toSafeInteger } from '../db/values.js';
import type { EventStore } from '../events/event-store.js';
import { EVENT_COLUMNS, fromRow, type EventRow } from '../events/event-rows.js';
import { userStream } from '../identity/user-directory.js';
import type { AppAbility } from '../policy/compile.js';
import type { HashedFile } from './export.js';
import { JsonObjectWriter, paged } from './json-writer.js';
import { OTHERS_WITHHELD, ownSpaceTextWithheld } from './subject-content.js';

const PAGE = 1_000;
const SIGN_IN_TYPES = ['UserSignedIn', 'UserSignedOut', 'SessionExpired', 'UserGroupsChanged'];

export interface SubjectDocumentRequest {
  readonly personId: string;
  readonly ability: AppAbility;
  readonly now: Date;
}

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : toDate(value).toISOString());
const pos = (row: Row): number => toSafeInteger(row.position);

/** Own text of a post or comment: the text, or why it stays in Flurfunk. */
function spaceText(ability: AppAbility, type: 'Post' | 'Comment', fields: Row, text: unknown): Row {
  const withheld = ownSpaceTextWithheld(ability, type, fields);
  return withheld === undefined ? { text } : { text: null, textWithheld: withheld };
}

export async function writeSubjectDocument(knex: Knex, store: EventStore, request: SubjectDocumentRequest, out: HashedFile): Promise<void> {
  const { personId: id, ability } = request;
  const byPosition = (table: string, column: string) => (after: number | undefined) => knex(table).where(column, id).andWhere('position', '>', after ?? 0).orderBy('position').limit(PAGE) as Promise<Row[]>;
  const json = new JsonObjectWriter(out);
  await json.begin();
  await json.field('subject', id);
  await json.field('generatedAt', request.now.toISOString());
  await json.field('rule', `Your own texts are included, except posts, comments and files in spaces whose content the policy keeps inside Flurfunk (textWithheld names the reason). Of content other people wrote — messages they sent you, posts that mention you, comments on your posts — only facts are included: ${OTHERS_WITHHELD}.`);

  await json.field('profile', await profile(knex, store, id));
  await json.list('guidelineAcceptances', rows(knex('guideline_acceptances').where('user_id', id).orderBy('accepted_at') as Promise<Row[]>, (r) => ({ version: r.version, acceptedAt: iso(r.accepted_at) })));
  await json.list('signIns', mapped(
    paged((after: number | undefined) => knex('events').select(EVENT_COLUMNS).where('stream_id', userStream(id)).andWhere('stream_version', '>', after ?? 0).whereIn('type', SIGN_IN_TYPES).orderBy('stream_version').limit(PAGE) as Promise<EventRow[]>, (r) => toSafeInteger(r.stream_version)),
    (r) => {
      const e = fromRow(r);
      // userId is the person themselves; everything else in these events is about the sign-in.
      const facts = Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'userId'));
      return { at: e.occurredAt.toISOString(), event: e.type, position: e.position, ...facts };
    },
  ));
  await json.list('sessions', rows(knex('sessions').where('user_id', id).orderBy('created_at') as Promise<Row[]>, (r) => ({ handle: r.handle, createdAt: iso(r.created_at), lastSeenAt: iso(r.last_seen_at), expiresAt: iso(r.expires_at) })));

  await json.list('posts', mapped(paged(byPosition('posts', 'author_id'), pos), (r) => {
    const fields = { spaceId: r.space_id, classification: r.classification, authorId: id, mentions: r.mentions, topics: r.topics };
    return { id: r.id, spaceId: r.space_id, classification: r.classification, createdAt: iso(r.created_at), editedAt: iso(r.edited_at), mentions: r.mentions, topics: r.topics, ...spaceText(ability, 'Post', fields, r.text) };
  }));
  await json.list('comments', mapped(paged(byPosition('comments', 'author_id'), pos), (r) => {
    const fields = { spaceId: r.space_id, classification: r.classification, authorId: id, postAuthorId: r.post_author_id };
    return { id: r.id, postId: r.post_id, spaceId: r.space_id, classification: r.classification, postAuthorId: r.post_author_id, createdAt: iso(r.created_at), ...spaceText(ability, 'Comment', fields, r.text) };
  }));
  await json.list('conversations', mapped(
    paged((after: number | undefined) => rawRows<Row>(
      knex,
      `SELECT c.*, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_id = ?) AS own,
              (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.author_id <> ?) AS others
         FROM conversations c WHERE c.participants @> ARRAY[?]::text[] AND c.position > ? ORDER BY c.position LIMIT ?`,
      [id, id, id, after ?? 0, PAGE],
    ), pos),
    (r) => ({
      id: r.id,
      participants: r.participants,
      startedBy: r.started_by,
      createdAt: iso(r.created_at),
      ...(r.title === null ? { title: null } : r.started_by === id ? { title: r.title } : { title: null, titleWithheld: OTHERS_WITHHELD }),
      messagesByYou: toSafeInteger(r.own),
      messagesByOthers: toSafeInteger(r.others),
    }),
  ));
  await json.list('messages', mapped(paged(byPosition('messages', 'author_id'), pos), (r) => ({ id: r.id, conversationId: r.conversation_id, participants: r.participants, createdAt: iso(r.created_at), attachments: r.attachment_count, text: r.text })));
  await json.list('attachments', mapped(paged(byPosition('attachments', 'author_id'), pos), (r) => {
    const where = r.space_id === null ? { conversationId: r.conversation_id, messageId: r.message_id } : { spaceId: r.space_id, classification: r.classification, postId: r.post_id };
    const withheld = r.space_id === null ? undefined : ownSpaceTextWithheld(ability, 'Post', { spaceId: r.space_id, classification: r.classification, authorId: id });
    return { id: r.id, ...(withheld === undefined ? { name: r.name } : { name: null, nameWithheld: withheld }), mediaType: r.media_type, size: toSafeInteger(r.size), sha256: String(r.sha256).trim(), createdAt: iso(r.created_at), where };
  }));

  await json.field('follows', {
    people: (await knex('person_follows').where('user_id', id).orderBy('person_id').pluck('person_id')) as string[],
    topics: (await knex('topic_follows').where('user_id', id).orderBy('topic').pluck('topic')) as string[],
    spaces: ((await knex('space_follows').where('user_id', id).orderBy('space_id')) as Row[]).map((r) => ({ spaceId: r.space_id, muted: r.muted })),
    followedByPeople: toSafeInteger((await rawRows<Row>(knex, 'SELECT count(*) AS n FROM person_follows WHERE person_id = ?', [id]))[0]!.n),
  });
  await json.list('reactions', mapped(
    paged((after: [string, string] | undefined) => {
      const q = knex('post_reactions').where('user_id', id);
      return (after ? q.andWhereRaw('(post_id, reaction) > (?::uuid, ?)', after) : q).orderBy(['post_id', 'reaction']).limit(PAGE) as Promise<Row[]>;
    }, (r) => [String(r.post_id), String(r.reaction)] as [string, string]),
    (r) => ({ postId: r.post_id, reaction: r.reaction, reactedAt: iso(r.reacted_at) }),
  ));
  await json.list('reports', mapped(paged(byPosition('post_reports', 'reporter_id'), pos), (r) => ({ id: r.id, postId: r.post_id, spaceId: r.space_id, reason: r.reason, reportedAt: iso(r.reported_at), outcome: r.outcome, resolvedAt: iso(r.resolved_at) })));

  const read = (await knex('notification_reads').where('user_id', id).first()) as Row | undefined;
  const readPosition = read ? toSafeInteger(read.read_position) : 0;
  const [counts] = await rawRows<Row>(knex, 'SELECT count(*) AS total, count(*) FILTER (WHERE position > ?) AS unread FROM notifications WHERE user_id = ?', [readPosition, id]);
  await json.field('notifications', { count: toSafeInteger(counts!.total), unread: toSafeInteger(counts!.unread) });
  // Facts only: each is about content someone else wrote (a mention, a reply, a message).
  await json.list('concerningYou', mapped(paged(byPosition('notifications', 'user_id'), pos), (r) => ({ kind: r.kind, by: r.actor_id, at: iso(r.created_at), postId: r.post_id, commentId: r.comment_id, conversationId: r.conversation_id, messageId: r.message_id })));
  await json.end();
}

async function profile(knex: Knex, store: EventStore, id: string): Promise<Row> {
  const user = (await knex('users').where('id', id).first()) as Row | undefined;
  // The email is kept only in the sealed UserProfileChanged events of the person's stream.
  const [latest] = (await knex('events').select(EVENT_COLUMNS).where({ stream_id: userStream(id), type: 'UserProfileChanged' }).orderBy('stream_version', 'desc').limit(1)) as EventRow[];
  const opened = latest ? await store.personal(fromRow(latest)) : { state: 'none' as const };
  const email = opened.state === 'present' ? ((opened.value as { email?: unknown }).email ?? null) : null;
  return {
    id,
    name: user?.name ?? null,
    email,
    ...(opened.state === 'shredded' ? { emailState: 'shredded' } : {}),
    groups: user?.groups ?? [],
    firstSeenAt: iso(user?.first_seen_at),
    lastSignInAt: iso(user?.last_sign_in_at),
  };
}

async function* rows(query: Promise<Row[]>, map: (row: Row) => unknown): AsyncIterable<unknown> {
  for (const row of await query) yield map(row);
}

async function* mapped<R>(items: AsyncIterable<R>, map: (row: R) => unknown): AsyncIterable<unknown> {
  for await (const item of items) yield map(item);
}
