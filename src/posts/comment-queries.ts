// Comments of a post, oldest first, filtered in SQL by the caller's ability like every list.
import type { Knex } from 'knex';
import type { AppAbility } from '../policy/compile.js';
import { asSubject } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import type { Page } from './post-queries.js';

export const COMMENT_COLUMNS: ColumnMap = {
  spaceId: { column: 'comments.space_id', kind: 'text' },
  classification: { column: 'comments.classification', kind: 'text' },
  authorId: { column: 'comments.author_id', kind: 'text' },
  postAuthorId: { column: 'comments.post_author_id', kind: 'text' },
};

interface CommentRow {
  id: string;
  position: string | number;
  post_id: string;
  space_id: string;
  classification: string;
  author_id: string;
  author_name: string | null;
  post_author_id: string;
  text: string;
  html: string;
  created_at: Date | string;
  is_answer: boolean;
}

export interface CommentView {
  readonly id: string;
  readonly postId: string;
  readonly author: { readonly id: string; readonly name: string | null };
  readonly text: string;
  readonly html: string;
  readonly createdAt: string;
  readonly position: number;
  /** Marked as the answer to its post (by the post's author or a moderator). */
  readonly isAnswer: boolean;
  readonly may: Readonly<Record<'update' | 'delete' | 'markAnswer', boolean>>;
}

function present(row: CommentRow, ability: AppAbility): CommentView {
  const subject = asSubject('Comment', { spaceId: row.space_id, classification: row.classification, authorId: row.author_id, postAuthorId: row.post_author_id });
  const can = (action: string) => ability.can(action, subject as never);
  return {
    id: row.id,
    postId: row.post_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    html: row.html,
    createdAt: new Date(row.created_at).toISOString(),
    position: Number(row.position),
    isAnswer: row.is_answer,
    may: { update: can('update'), delete: can('delete'), markAnswer: can('markAnswer') },
  };
}

/** Every comment, unfiltered: only for a privileged read, which has decided on the whole post. */
function selectAnyComments(knex: Knex): Knex.QueryBuilder {
  return knex('comments')
    .leftJoin('users', 'users.id', 'comments.author_id')
    .leftJoin('post_answers', 'post_answers.comment_id', 'comments.id')
    .select('comments.id', 'comments.position', 'comments.post_id', 'comments.space_id', 'comments.classification', 'comments.author_id', 'users.name as author_name', 'comments.post_author_id', 'comments.text', 'comments.html', 'comments.created_at')
    .select(knex.raw('(post_answers.comment_id IS NOT NULL) AS is_answer'));
}

function selectComments(knex: Knex, ability: AppAbility): Knex.QueryBuilder {
  return wherePermitted(selectAnyComments(knex), ability, 'read', 'Comment', COMMENT_COLUMNS);
}

/** The comments of a post the caller has already been allowed to read, oldest first. */
export async function commentsOfPost(knex: Knex, ability: AppAbility, postId: string, page: { after?: number; limit: number }): Promise<Page<CommentView>> {
  let query = selectComments(knex, ability).where('comments.post_id', postId);
  if (page.after !== undefined) query = query.where('comments.position', '>', page.after);
  const rows = (await query.orderBy('comments.position', 'asc').limit(page.limit + 1)) as CommentRow[];
  const items = rows.slice(0, page.limit).map((r) => present(r, ability));
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

/**
 * All comments of a post, oldest first, for a privileged read: `readableOnly` false shows those
 * the policy hides from the reader too (the inspect decision covered the post and its comments).
 */
export async function allCommentsOfPost(knex: Knex, ability: AppAbility, postId: string, readableOnly: boolean): Promise<CommentView[]> {
  const query = (readableOnly ? selectComments(knex, ability) : selectAnyComments(knex)).where('comments.post_id', postId);
  const rows = (await query.orderBy('comments.position', 'asc')) as CommentRow[];
  return rows.map((r) => present(r, ability));
}

export async function commentById(knex: Knex, ability: AppAbility, commentId: string): Promise<CommentView | undefined> {
  const row = (await selectComments(knex, ability).where('comments.id', commentId).first()) as CommentRow | undefined;
  return row && present(row, ability);
}
