// Notifications: someone mentioned me, replied to my post, or wrote to me. The read model
// keeps one row per person and event; what a person is shown is decided when they ask, by
// joining the row to the content it points at and filtering that content by the active
// policy, so a notification never outlives the reader's right to read its content (a
// mention in a space I cannot read never shows, a deleted post takes its notifications along).
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';
import { userStream } from '../identity/user-directory.js';
import { MESSAGE_COLUMNS } from '../messages/conversation-queries.js';
import type { AppAbility } from '../policy/compile.js';
import { permittedCondition } from '../policy/sql-filter.js';
import { COMMENT_COLUMNS } from '../posts/comment-queries.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import { POST_COLUMNS, type Page } from '../posts/post-queries.js';
import { record } from '../posts/record.js';

export type NotificationKind = 'mention' | 'reply' | 'message';

export interface NotificationView {
  /** The position of the event that caused it; also the cursor and the read mark. */
  readonly position: number;
  readonly kind: NotificationKind;
  readonly actor: { readonly id: string; readonly name: string | null };
  readonly postId: string | null;
  readonly commentId: string | null;
  readonly conversationId: string | null;
  readonly messageId: string | null;
  /** The beginning of the text it is about. */
  readonly excerpt: string;
  readonly createdAt: string;
  readonly read: boolean;
}

const EXCERPT = 140;

export const notificationsProjection: Projection = {
  name: 'notifications',
  types: new Set(['PostCreated', 'CommentCreated', 'MessageSent', 'PostDeleted', 'MessageDeleted', 'NotificationsRead']),
  // A post mentioning nobody notifies nobody (its deletion still clears what others made).
  accepts: (e) => e.type !== 'PostCreated' || (Array.isArray(e.data.mentions) && e.data.mentions.length > 0),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const d = e.data;
      const row = { position: e.position, actor_id: e.actor, created_at: e.occurredAt };
      switch (e.type) {
        case 'PostCreated': {
          const mentioned = (d.mentions as string[]).filter((m) => m !== d.authorId);
          if (mentioned.length > 0) await trx('notifications').insert(mentioned.map((user) => ({ ...row, user_id: user, kind: 'mention', post_id: d.postId as string })));
          break;
        }
        case 'CommentCreated':
          if (d.postAuthorId !== d.authorId) await trx('notifications').insert({ ...row, user_id: d.postAuthorId as string, kind: 'reply', post_id: d.postId as string, comment_id: d.commentId as string });
          break;
        case 'MessageSent': {
          const others = (d.participants as string[]).filter((p) => p !== d.authorId);
          await trx('notifications').insert(others.map((user) => ({ ...row, user_id: user, kind: 'message', conversation_id: d.conversationId as string, message_id: d.messageId as string })));
          break;
        }
        case 'PostDeleted':
          await trx('notifications').where({ post_id: d.postId as string }).delete();
          break;
        case 'MessageDeleted':
          await trx('notifications').where({ message_id: d.messageId as string }).delete();
          break;
        case 'NotificationsRead':
          await trx.raw(
            `INSERT INTO notification_reads (user_id, read_position) VALUES (?, ?)
             ON CONFLICT (user_id) DO UPDATE SET read_position = GREATEST(notification_reads.read_position, EXCLUDED.read_position)`,
            [d.userId as string, d.position as number],
          );
          break;
      }
    }
  },
  async clear(trx) {
    await trx('notifications').delete();
    await trx('notification_reads').delete();
  },
};

interface NotificationRow {
  position: string | number;
  kind: NotificationKind;
  actor_id: string;
  actor_name: string | null;
  post_id: string | null;
  comment_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  excerpt: string | null;
  created_at: Date | string;
}

/** Notifications of one person whose content they may read now. */
function visibleNotifications(knex: Knex, ability: AppAbility, userId: string): Knex.QueryBuilder {
  const post = permittedCondition(ability, 'read', 'Post', POST_COLUMNS);
  const comment = permittedCondition(ability, 'read', 'Comment', COMMENT_COLUMNS);
  const message = permittedCondition(ability, 'read', 'DirectMessage', MESSAGE_COLUMNS);
  return knex('notifications')
    .leftJoin('posts', 'posts.id', 'notifications.post_id')
    .leftJoin('comments', 'comments.id', 'notifications.comment_id')
    .leftJoin('messages', 'messages.id', 'notifications.message_id')
    .where('notifications.user_id', userId)
    .where((q) => {
      void q
        .where((p) => void p.where('notifications.kind', 'mention').whereNotNull('posts.id').whereRaw(post.sql, [...post.bindings] as Knex.RawBinding[]))
        .orWhere(
          (r) =>
            void r
              .where('notifications.kind', 'reply')
              .whereNotNull('posts.id')
              .whereNotNull('comments.id')
              .whereRaw(post.sql, [...post.bindings] as Knex.RawBinding[])
              .whereRaw(comment.sql, [...comment.bindings] as Knex.RawBinding[]),
        )
        .orWhere((m) => void m.where('notifications.kind', 'message').whereNotNull('messages.id').whereRaw(message.sql, [...message.bindings] as Knex.RawBinding[]));
    });
}

async function readMark(knex: Knex, userId: string): Promise<number> {
  const row: { read_position: string | number } | undefined = await knex('notification_reads').where({ user_id: userId }).first('read_position');
  return row ? Number(row.read_position) : 0;
}

export async function notificationsOf(knex: Knex, ability: AppAbility, userId: string, page: { before?: number; limit: number }): Promise<Page<NotificationView>> {
  let query = visibleNotifications(knex, ability, userId)
    .leftJoin('users', 'users.id', 'notifications.actor_id')
    .select(
      'notifications.position',
      'notifications.kind',
      'notifications.actor_id',
      'users.name as actor_name',
      'notifications.post_id',
      'notifications.comment_id',
      'notifications.conversation_id',
      'notifications.message_id',
      knex.raw('left(coalesce(comments.text, messages.text, posts.text), ?) as excerpt', [EXCERPT]),
      'notifications.created_at',
    );
  if (page.before !== undefined) query = query.where('notifications.position', '<', page.before);
  const [rows, mark] = [(await query.orderBy('notifications.position', 'desc').limit(page.limit + 1)) as NotificationRow[], await readMark(knex, userId)];
  const items = rows.slice(0, page.limit).map(
    (r): NotificationView => ({
      position: Number(r.position),
      kind: r.kind,
      actor: { id: r.actor_id, name: r.actor_name },
      postId: r.post_id,
      commentId: r.comment_id,
      conversationId: r.conversation_id,
      messageId: r.message_id,
      excerpt: r.excerpt ?? '',
      createdAt: new Date(r.created_at).toISOString(),
      read: Number(r.position) <= mark,
    }),
  );
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

/** The notification one event made for this person, if they may see it. */
export async function notificationAt(knex: Knex, ability: AppAbility, userId: string, position: number): Promise<NotificationView | undefined> {
  const page = await notificationsOf(knex, ability, userId, { before: position + 1, limit: 1 });
  const first = page.items[0];
  return first?.position === position ? first : undefined;
}

export interface UnreadCounts {
  readonly notifications: number;
  /** Messages by others after the read mark, over all of the caller's conversations. */
  readonly messages: number;
}

export async function unreadCounts(knex: Knex, ability: AppAbility, userId: string): Promise<UnreadCounts> {
  const mark = await readMark(knex, userId);
  const notes = (await visibleNotifications(knex, ability, userId).where('notifications.position', '>', mark).count({ n: '*' }).first()) as { n: string | number };
  const message = permittedCondition(ability, 'read', 'DirectMessage', MESSAGE_COLUMNS);
  const messages = (await knex('messages')
    .whereRaw('? = ANY(messages.participants)', [userId])
    .whereNot('messages.author_id', userId)
    .whereRaw('messages.position > COALESCE((SELECT read_position FROM conversation_reads r WHERE r.user_id = ? AND r.conversation_id = messages.conversation_id), 0)', [userId])
    .whereRaw(message.sql, [...message.bindings] as Knex.RawBinding[])
    .count({ n: '*' })
    .first()) as { n: string | number };
  return { notifications: Number(notes.n), messages: Number(messages.n) };
}

/** Marks notifications read up to a position (default: all there are now). An event, like every change. */
export async function markNotificationsRead(deps: CommandDeps, caller: Caller, upTo: number | undefined): Promise<UnreadCounts> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const me = caller.principal.id;
  const newest = upTo ?? (await notificationsOf(deps.knex, ability, me, { limit: 1 })).items[0]?.position ?? 0;
  if (newest > (await readMark(deps.knex, me))) {
    await record(deps, caller, policy, userStream(me), [{ type: 'NotificationsRead', data: { userId: me, position: newest } }]);
  }
  return unreadCounts(deps.knex, ability, me);
}
