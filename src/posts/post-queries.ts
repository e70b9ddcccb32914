// Posts as a person may see them: every list is filtered in SQL by the same ability that
// decides single reads, ordered and paged by event position (never by time), and each post
// carries what this person may do with it, so clients never re-implement rules.
import type { Knex } from 'knex';
import { attachmentsOf, type AttachmentView } from '../attachments/attachment-queries.js';
import { NotFoundError } from '../errors.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import { postSocialOf, withPostSocial, type PostSocial, type PostSocialRow } from './post-social.js';
import { isUuid } from './record.js';

export const POST_COLUMNS: ColumnMap = {
  spaceId: { column: 'posts.space_id', kind: 'text' },
  classification: { column: 'posts.classification', kind: 'text' },
  authorId: { column: 'posts.author_id', kind: 'text' },
  mentions: { column: 'posts.mentions', kind: 'list' },
  topics: { column: 'posts.topics', kind: 'list' },
};

export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 100;

export interface PostRow extends PostSocialRow {
  id: string;
  position: string | number;
  space_id: string;
  classification: string;
  author_id: string;
  author_name: string | null;
  mentions: string[];
  topics: string[];
  text: string;
  html: string;
  created_at: Date | string;
  edited_at: Date | string | null;
  attachment_count: number;
  erased: boolean;
  privileged_reads: string | number;
  last_privileged_read: Date | string | null;
}

export interface PostView extends PostSocial {
  readonly id: string;
  readonly spaceId: string;
  readonly classification: string;
  readonly author: { readonly id: string; readonly name: string | null };
  /** Markdown as written. */
  readonly text: string;
  /** Rendered, safe to insert: no raw HTML, only http(s) and mailto links. */
  readonly html: string;
  readonly mentions: readonly string[];
  readonly topics: readonly string[];
  readonly createdAt: string;
  /** When it was last edited; null if never. Earlier versions: GET /api/posts/{id}/history. */
  readonly editedAt: string | null;
  /** Its author's content was erased on request (GDPR Art. 17): text and html are empty; the thread stays. */
  readonly erased: boolean;
  readonly position: number;
  readonly attachments: readonly AttachmentView[];
  /** The notice of privileged reads: how often someone inspected this post without being able to read it, and when last. */
  readonly privilegedReads: { readonly count: number; readonly lastAt: string | null };
  readonly may: Readonly<Record<'update' | 'delete' | 'react' | 'report' | 'pin' | 'readHistory', boolean>>;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  readonly next: string | null;
}

function presentPost(row: PostRow, ability: AppAbility, attachments: readonly AttachmentView[]): PostView {
  const subject = asSubject('Post', { spaceId: row.space_id, classification: row.classification, authorId: row.author_id, mentions: row.mentions, topics: row.topics });
  const can = (action: string) => ability.can(action, subject as never);
  return {
    id: row.id,
    spaceId: row.space_id,
    classification: row.classification,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    html: row.html,
    mentions: row.mentions,
    topics: row.topics,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: row.edited_at === null ? null : new Date(row.edited_at).toISOString(),
    erased: row.erased,
    position: Number(row.position),
    attachments,
    privilegedReads: { count: Number(row.privileged_reads), lastAt: row.last_privileged_read === null ? null : new Date(row.last_privileged_read).toISOString() },
    ...postSocialOf(row),
    may: { update: can('update'), delete: can('delete'), react: can('react'), report: can('report'), pin: can('pin'), readHistory: can('readHistory') },
  };
}

/** Posts with their attachments (fetched for the whole page in one query), as the reader sees them. */
export async function presentPosts(knex: Knex, rows: readonly PostRow[], ability: AppAbility): Promise<PostView[]> {
  const files = await attachmentsOf(knex, ability, { postIds: rows.filter((r) => r.attachment_count > 0).map((r) => r.id) });
  return rows.map((r) => presentPost(r, ability, files.get(r.id) ?? []));
}

/**
 * Every post, unfiltered, with what it looks like to `viewerId`. Only for callers that decide
 * each row themselves (a privileged read); lists and reads go through selectPosts.
 */
export function selectAnyPosts(knex: Knex, viewerId: string): Knex.QueryBuilder {
  const query = knex('posts')
    .leftJoin('users', 'users.id', 'posts.author_id')
    .select('posts.id', 'posts.position', 'posts.space_id', 'posts.classification', 'posts.author_id', 'users.name as author_name', 'posts.mentions', 'posts.topics', 'posts.text', 'posts.html', 'posts.created_at', 'posts.edited_at', 'posts.attachment_count', 'posts.erased')
    // The notice of privileged reads travels with the post, so it shows where the content is.
    .select(
      knex.raw('(SELECT count(*)::integer FROM privileged_reads WHERE privileged_reads.post_id = posts.id) AS privileged_reads'),
      knex.raw('(SELECT max(read_at) FROM privileged_reads WHERE privileged_reads.post_id = posts.id) AS last_privileged_read'),
    );
  return withPostSocial(query, knex, viewerId);
}

/** Posts `ability` may read, with what they look like to the reader `viewerId`. */
export function selectPosts(knex: Knex, ability: AppAbility, viewerId: string): Knex.QueryBuilder {
  return wherePermitted(selectAnyPosts(knex, viewerId), ability, 'read', 'Post', POST_COLUMNS);
}

/** A cursor is an event position; anything else is refused rather than guessed. */
export function parseCursor(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,15}$/.test(value)) return Number.NaN;
  return Number(value);
}

/** A page of a posts query, newest first by event position; `next` is the cursor for older ones. */
async function newestFirst(knex: Knex, query: Knex.QueryBuilder, ability: AppAbility, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  const bounded = page.before === undefined ? query : query.where('posts.position', '<', page.before);
  const rows = (await bounded.orderBy('posts.position', 'desc').limit(page.limit + 1)) as PostRow[];
  const items = await presentPosts(knex, rows.slice(0, page.limit), ability);
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

export async function postsInSpace(knex: Knex, ability: AppAbility, viewerId: string, spaceId: string, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  return newestFirst(knex, selectPosts(knex, ability, viewerId).where('posts.space_id', spaceId), ability, page);
}

/**
 * A person's timeline: posts in the spaces they follow and have not muted, by the people they
 * follow, with the #topics they follow, posts that mention them, and their own; newest first,
 * filtered by what they may read now (following someone opens none of their spaces).
 */
export async function timelinePosts(knex: Knex, ability: AppAbility, userId: string, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  const query = selectPosts(knex, ability, userId).where((q) => {
    void q
      .whereIn('posts.space_id', knex('space_follows').select('space_id').where({ user_id: userId, muted: false }))
      .orWhereIn('posts.author_id', knex('person_follows').select('person_id').where({ user_id: userId }))
      .orWhereRaw('posts.topics && ARRAY(SELECT topic FROM topic_follows WHERE topic_follows.user_id = ?)', [userId])
      .orWhereRaw('? = ANY(posts.mentions)', [userId])
      .orWhere('posts.author_id', userId);
  });
  return newestFirst(knex, query, ability, page);
}

/** One person's posts that the caller may read, newest first (their profile page). */
export async function postsByAuthor(knex: Knex, ability: AppAbility, viewerId: string, authorId: string, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  return newestFirst(knex, selectPosts(knex, ability, viewerId).where('posts.author_id', authorId), ability, page);
}

/** Posts matching a search (German and English stemming, web-search syntax), newest first. */
export async function searchPosts(knex: Knex, ability: AppAbility, viewerId: string, terms: string, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  const query = selectPosts(knex, ability, viewerId).whereRaw(`posts.search @@ (websearch_to_tsquery('german', ?) || websearch_to_tsquery('english', ?))`, [terms, terms]);
  return newestFirst(knex, query, ability, page);
}

/** One post, or NotFoundError whether it is missing or hidden from this person. */
export async function postById(knex: Knex, ability: AppAbility, viewerId: string, postId: string): Promise<PostView> {
  if (!isUuid(postId)) throw new NotFoundError();
  const row = (await selectPosts(knex, ability, viewerId).where('posts.id', postId).first()) as PostRow | undefined;
  if (!row) throw new NotFoundError();
  return (await presentPosts(knex, [row], ability))[0]!;
}
