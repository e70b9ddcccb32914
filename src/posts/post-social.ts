// What the social parts add to a post as one reader sees it: how many of each reaction it has
// and which of them the reader gave, whether a moderator pinned it, and which comment answers
// it. Selected in the same statement as the posts themselves (two one-to-one joins and two
// correlated subqueries), so a page of posts stays one query.
import type { Knex } from 'knex';

/** The reactions a post can get: a small closed set, so counts stay comparable. */
export const REACTIONS = ['like', 'thanks', 'celebrate', 'insightful'] as const;
export type Reaction = (typeof REACTIONS)[number];

export function isReaction(value: string): value is Reaction {
  return (REACTIONS as readonly string[]).includes(value);
}

export interface PostSocialRow {
  pinned: boolean;
  answer_id: string | null;
  reaction_counts: Record<string, number> | null;
  my_reactions: string[] | null;
}

export interface PostSocial {
  /** Every reaction of the set with its count (0 when nobody gave it). */
  readonly reactions: Readonly<Record<Reaction, number>>;
  /** The reactions the reader gave, in the set's order. */
  readonly myReactions: readonly Reaction[];
  readonly pinned: boolean;
  /** The comment the post's author (or a moderator) marked as its answer; null if none. */
  readonly answerId: string | null;
}

/** Adds the social columns to a query over `posts` for the reader `viewerId`. */
export function withPostSocial(query: Knex.QueryBuilder, knex: Knex, viewerId: string): Knex.QueryBuilder {
  return query
    .leftJoin('pinned_posts', 'pinned_posts.post_id', 'posts.id')
    .leftJoin('post_answers', 'post_answers.post_id', 'posts.id')
    .select(
      knex.raw('(pinned_posts.post_id IS NOT NULL) AS pinned'),
      'post_answers.comment_id as answer_id',
      knex.raw(
        `(SELECT jsonb_object_agg(c.reaction, c.n) FROM (SELECT reaction, count(*)::integer AS n FROM post_reactions WHERE post_reactions.post_id = posts.id GROUP BY reaction) c) AS reaction_counts`,
      ),
      knex.raw('ARRAY(SELECT reaction FROM post_reactions WHERE post_reactions.post_id = posts.id AND post_reactions.user_id = ?) AS my_reactions', [viewerId]),
    );
}

export function postSocialOf(row: PostSocialRow): PostSocial {
  const counts = row.reaction_counts ?? {};
  const mine = new Set(row.my_reactions ?? []);
  return {
    reactions: Object.fromEntries(REACTIONS.map((r) => [r, Number(counts[r] ?? 0)])) as Record<Reaction, number>,
    myReactions: REACTIONS.filter((r) => mine.has(r)),
    pinned: row.pinned,
    answerId: row.answer_id,
  };
}
