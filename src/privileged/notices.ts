// The notices of privileged reads, for those the content concerned: the readers of a space,
// the participants of a conversation, and each person for their own content (the posts and
// comments they wrote, the conversations they are in). Each notice says what was read, when and
// by which role; not who, not why (see CONTEXT.md, "privileged read"). Newest first by position.
import type { Knex } from 'knex';
import type { Page } from '../posts/post-queries.js';

export interface PrivilegedReadNotice {
  readonly id: string;
  readonly subjectType: 'Post' | 'DirectMessage';
  readonly postId: string | null;
  readonly spaceId: string | null;
  readonly classification: string | null;
  readonly conversationId: string | null;
  /** The role (or directory group) through which the policy allowed the read. */
  readonly byRoles: readonly string[];
  readonly readAt: string;
  readonly position: number;
}

interface NoticeRow {
  id: string;
  position: string | number;
  subject_type: 'Post' | 'DirectMessage';
  post_id: string | null;
  space_id: string | null;
  classification: string | null;
  conversation_id: string | null;
  via: string[];
  read_at: Date | string;
}

async function newestFirst(query: Knex.QueryBuilder, page: { before?: number; limit: number }): Promise<Page<PrivilegedReadNotice>> {
  const bounded = page.before === undefined ? query : query.where('position', '<', page.before);
  const rows = (await bounded.select('id', 'position', 'subject_type', 'post_id', 'space_id', 'classification', 'conversation_id', 'via', 'read_at').orderBy('position', 'desc').limit(page.limit + 1)) as NoticeRow[];
  const items = rows.slice(0, page.limit).map(
    (r): PrivilegedReadNotice => ({
      id: r.id,
      subjectType: r.subject_type,
      postId: r.post_id,
      spaceId: r.space_id,
      classification: r.classification,
      conversationId: r.conversation_id,
      byRoles: r.via,
      readAt: new Date(r.read_at).toISOString(),
      position: Number(r.position),
    }),
  );
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

/** Privileged reads of posts in a space the caller has been allowed to read. */
export function noticesOfSpace(knex: Knex, spaceId: string, page: { before?: number; limit: number }): Promise<Page<PrivilegedReadNotice>> {
  return newestFirst(knex('privileged_reads').where({ space_id: spaceId }), page);
}

/** Privileged reads of a conversation the caller has been allowed to read. */
export function noticesOfConversation(knex: Knex, conversationId: string, page: { before?: number; limit: number }): Promise<Page<PrivilegedReadNotice>> {
  return newestFirst(knex('privileged_reads').where({ conversation_id: conversationId }), page);
}

/** Privileged reads that showed the person's own content. */
export function noticesConcerning(knex: Knex, userId: string, page: { before?: number; limit: number }): Promise<Page<PrivilegedReadNotice>> {
  return newestFirst(knex('privileged_reads').whereRaw('affected @> ARRAY[?]::text[]', [userId]), page);
}
