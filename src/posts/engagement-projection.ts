// Read models of what people do with a post besides commenting: reactions (`post_reactions`),
// the comment that answers it (`post_answers`) and moderators' pins (`pinned_posts`). They hang
// on their post: the posts and comments projections run first, a change to a post that is gone
// is skipped, and a deleted post takes its rows with it.
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';

async function exists(trx: Knex.Transaction, table: 'posts' | 'comments', id: string): Promise<boolean> {
  return (await trx(table).where({ id }).first('id')) !== undefined;
}

export const reactionsProjection: Projection = {
  name: 'post_reactions',
  types: new Set(['ReactionAdded', 'ReactionRemoved', 'PostDeleted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const postId = e.data.postId as string;
      if (e.type === 'PostDeleted') {
        await trx('post_reactions').where({ post_id: postId }).delete();
        continue;
      }
      const key = { post_id: postId, user_id: e.data.userId as string, reaction: e.data.reaction as string };
      if (e.type === 'ReactionRemoved') {
        await trx('post_reactions').where(key).delete();
      } else if (await exists(trx, 'posts', postId)) {
        // A second ReactionAdded (two requests racing) leaves the first one's time.
        await trx.raw('INSERT INTO post_reactions (post_id, user_id, reaction, reacted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [key.post_id, key.user_id, key.reaction, e.occurredAt]);
      }
    }
  },
  async clear(trx) {
    await trx('post_reactions').delete();
  },
};

export const answersProjection: Projection = {
  name: 'post_answers',
  types: new Set(['AnswerMarked', 'AnswerUnmarked', 'PostDeleted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const postId = e.data.postId as string;
      if (e.type === 'PostDeleted') {
        await trx('post_answers').where({ post_id: postId }).delete();
      } else if (e.type === 'AnswerUnmarked') {
        await trx('post_answers').where({ post_id: postId, comment_id: e.data.commentId as string }).delete();
      } else if (await exists(trx, 'comments', e.data.commentId as string)) {
        // A post has one answer: marking another comment replaces it.
        await trx.raw(
          `INSERT INTO post_answers (post_id, comment_id, marked_by, marked_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (post_id) DO UPDATE SET comment_id = EXCLUDED.comment_id, marked_by = EXCLUDED.marked_by, marked_at = EXCLUDED.marked_at`,
          [postId, e.data.commentId as string, e.data.markedBy as string, e.occurredAt],
        );
      }
    }
  },
  async clear(trx) {
    await trx('post_answers').delete();
  },
};

export const pinsProjection: Projection = {
  name: 'pinned_posts',
  types: new Set(['PostPinned', 'PostUnpinned', 'PostDeleted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const postId = e.data.postId as string;
      if (e.type === 'PostDeleted' || e.type === 'PostUnpinned') {
        await trx('pinned_posts').where({ post_id: postId }).delete();
      } else if (await exists(trx, 'posts', postId)) {
        await trx.raw('INSERT INTO pinned_posts (post_id, space_id, position, pinned_by, pinned_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          postId,
          e.data.spaceId as string,
          e.position,
          e.data.pinnedBy as string,
          e.occurredAt,
        ]);
      }
    }
  },
  async clear(trx) {
    await trx('pinned_posts').delete();
  },
};
