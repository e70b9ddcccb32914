// Conversations and their messages as a person may see them: filtered in SQL by the
// DirectMessage rules (by default: only the participants, not even administrators), newest
// first by event position. A conversation the caller is not in answers exactly like one
// that does not exist.
import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import { attachmentsOf, type AttachmentView } from '../attachments/attachment-queries.js';
import type { Page } from '../posts/post-queries.js';
import { isUuid } from '../posts/record.js';

export const MESSAGE_COLUMNS: ColumnMap = {
  conversationId: { column: 'messages.conversation_id', kind: 'text' },
  authorId: { column: 'messages.author_id', kind: 'text' },
  participants: { column: 'messages.participants', kind: 'list' },
};

/** A conversation is as visible as a message in it by the one who started it. */
export const CONVERSATION_COLUMNS: ColumnMap = {
  conversationId: { column: 'conversations.id', kind: 'text' },
  authorId: { column: 'conversations.started_by', kind: 'text' },
  participants: { column: 'conversations.participants', kind: 'list' },
};


export interface Person {
  readonly id: string;
  readonly name: string | null;
}

export interface ConversationView {
  readonly id: string;
  readonly participants: readonly Person[];
  readonly title: string | null;
  readonly startedBy: string;
  readonly createdAt: string;
  /** Position of the newest message (or of the start): conversations are listed by it. */
  readonly lastPosition: number;
  /** Messages by others after the caller's read mark. */
  readonly unread: number;
}

export interface MessageView {
  readonly id: string;
  readonly conversationId: string;
  readonly author: Person;
  readonly text: string;
  readonly html: string;
  readonly createdAt: string;
  readonly position: number;
  readonly attachments: readonly AttachmentView[];
  readonly may: Readonly<Record<'delete', boolean>>;
}

interface ConversationRow {
  id: string;
  participants: string[];
  title: string | null;
  started_by: string;
  created_at: Date | string;
  last_position: string | number;
  unread: string | number;
}

interface MessageRow {
  id: string;
  position: string | number;
  conversation_id: string;
  author_id: string;
  author_name: string | null;
  participants: string[];
  text: string;
  html: string;
  attachment_count: number;
  created_at: Date | string;
}

async function namesOf(knex: Knex, ids: readonly string[]): Promise<Map<string, string | null>> {
  const rows = ids.length === 0 ? [] : await knex<{ id: string; name: string | null }>('users').whereIn('id', [...new Set(ids)]).select('id', 'name');
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Every conversation, unfiltered: only for a privileged read, which decides on the row itself. */
function selectAnyConversations(knex: Knex, userId: string): Knex.QueryBuilder {
  const unread = knex('messages')
    .count('*')
    .whereRaw('messages.conversation_id = conversations.id')
    .andWhereNot('messages.author_id', userId)
    .andWhereRaw('messages.position > COALESCE((SELECT read_position FROM conversation_reads r WHERE r.user_id = ? AND r.conversation_id = conversations.id), 0)', [userId]);
  return knex('conversations').select('conversations.id', 'conversations.participants', 'conversations.title', 'conversations.started_by', 'conversations.created_at', 'conversations.last_position', unread.as('unread'));
}

function selectConversations(knex: Knex, ability: AppAbility, userId: string): Knex.QueryBuilder {
  return wherePermitted(selectAnyConversations(knex, userId), ability, 'read', 'DirectMessage', CONVERSATION_COLUMNS);
}

/** A conversation whatever the caller may do with it, for a caller deciding that itself; undefined when there is none. */
export async function anyConversationById(knex: Knex, userId: string, conversationId: string): Promise<ConversationView | undefined> {
  if (!isUuid(conversationId)) return undefined;
  const row = (await selectAnyConversations(knex, userId).where('conversations.id', conversationId).first()) as ConversationRow | undefined;
  return row && (await presentConversations(knex, [row]))[0];
}

async function presentConversations(knex: Knex, rows: readonly ConversationRow[]): Promise<ConversationView[]> {
  const names = await namesOf(knex, rows.flatMap((r) => r.participants));
  return rows.map((r) => ({
    id: r.id,
    participants: r.participants.map((id) => ({ id, name: names.get(id) ?? null })),
    title: r.title,
    startedBy: r.started_by,
    createdAt: new Date(r.created_at).toISOString(),
    lastPosition: Number(r.last_position),
    unread: Number(r.unread),
  }));
}

/** The caller's conversations, the most recently active first. */
export async function conversationsOf(knex: Knex, ability: AppAbility, userId: string, page: { before?: number; limit: number }): Promise<Page<ConversationView>> {
  // Only conversations the caller is in: the policy might let someone read others' (a rule
  // for investigators), but "my conversations" means mine.
  let query = selectConversations(knex, ability, userId).whereRaw('? = ANY(conversations.participants)', [userId]);
  if (page.before !== undefined) query = query.where('conversations.last_position', '<', page.before);
  const rows = (await query.orderBy('conversations.last_position', 'desc').limit(page.limit + 1)) as ConversationRow[];
  const items = await presentConversations(knex, rows.slice(0, page.limit));
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.lastPosition) : null };
}

export async function conversationById(knex: Knex, ability: AppAbility, userId: string, conversationId: string): Promise<ConversationView> {
  if (!isUuid(conversationId)) throw new NotFoundError();
  const row = (await selectConversations(knex, ability, userId).where('conversations.id', conversationId).first()) as ConversationRow | undefined;
  if (!row) throw new NotFoundError();
  return (await presentConversations(knex, [row]))[0]!;
}

/** A two-person conversation between exactly these two, if there is one. */
export async function directConversationBetween(knex: Knex, a: string, b: string): Promise<string | undefined> {
  const row = await knex<{ id: string }>('conversations')
    .whereRaw('participants @> ?::text[] AND cardinality(participants) = 2 AND title IS NULL', [[a, b]])
    .orderBy('position')
    .first('id');
  return row?.id;
}

function selectAnyMessages(knex: Knex): Knex.QueryBuilder {
  return knex('messages')
    .leftJoin('users', 'users.id', 'messages.author_id')
    .select('messages.id', 'messages.position', 'messages.conversation_id', 'messages.author_id', 'users.name as author_name', 'messages.participants', 'messages.text', 'messages.html', 'messages.attachment_count', 'messages.created_at');
}

function selectMessages(knex: Knex, ability: AppAbility): Knex.QueryBuilder {
  return wherePermitted(selectAnyMessages(knex), ability, 'read', 'DirectMessage', MESSAGE_COLUMNS);
}

/** All messages of a conversation, oldest first, for a privileged read (`readableOnly` false: those hidden from the reader too). */
export async function allMessagesOf(knex: Knex, ability: AppAbility, conversationId: string, readableOnly: boolean): Promise<MessageView[]> {
  const query = (readableOnly ? selectMessages(knex, ability) : selectAnyMessages(knex)).where('messages.conversation_id', conversationId);
  return presentMessages(knex, ability, (await query.orderBy('messages.position', 'asc')) as MessageRow[]);
}

async function presentMessages(knex: Knex, ability: AppAbility, rows: readonly MessageRow[]): Promise<MessageView[]> {
  const files = await attachmentsOf(knex, ability, { messageIds: rows.filter((r) => r.attachment_count > 0).map((r) => r.id) });
  return rows.map((r) => {
    const subject = asSubject('DirectMessage', { conversationId: r.conversation_id, authorId: r.author_id, participants: r.participants });
    return {
      id: r.id,
      conversationId: r.conversation_id,
      author: { id: r.author_id, name: r.author_name },
      text: r.text,
      html: r.html,
      createdAt: new Date(r.created_at).toISOString(),
      position: Number(r.position),
      attachments: files.get(r.id) ?? [],
      may: { delete: ability.can('delete', subject as never) },
    };
  });
}

/** Messages of one conversation, newest first. */
export async function messagesOf(knex: Knex, ability: AppAbility, conversationId: string, page: { before?: number; limit: number }): Promise<Page<MessageView>> {
  let query = selectMessages(knex, ability).where('messages.conversation_id', conversationId);
  if (page.before !== undefined) query = query.where('messages.position', '<', page.before);
  const rows = (await query.orderBy('messages.position', 'desc').limit(page.limit + 1)) as MessageRow[];
  const items = await presentMessages(knex, ability, rows.slice(0, page.limit));
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

export async function messageById(knex: Knex, ability: AppAbility, messageId: string): Promise<MessageView> {
  if (!isUuid(messageId)) throw new NotFoundError();
  const row = (await selectMessages(knex, ability).where('messages.id', messageId).first()) as MessageRow | undefined;
  if (!row) throw new NotFoundError();
  return (await presentMessages(knex, ability, [row]))[0]!;
}
