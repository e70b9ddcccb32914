// The `comments` read model: replies to posts, with the fields the policy filters on. A
// deleted post takes its comments with it.
import type { Projection } from '../events/projector.js';
import { renderMarkdown, textOf } from './markdown.js';

export const commentsProjection: Projection = {
  name: 'comments',
  types: new Set(['CommentCreated', 'PostDeleted']),
  personalTypes: new Set(['CommentCreated']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      if (e.type === 'PostDeleted') {
        await trx('comments').where({ post_id: e.data.postId as string }).delete();
        continue;
      }
      // The posts projection runs first: a comment whose post is gone (deleted in this batch,
      // or a comment that raced the deletion) has nothing to hang on.
      const post: unknown = await trx('posts').where({ id: e.data.postId as string }).first('id');
      if (post === undefined) continue;
      const text = textOf(personal);
      await trx('comments').insert({
        id: e.data.commentId as string,
        position: e.position,
        post_id: e.data.postId as string,
        space_id: e.data.spaceId as string,
        classification: e.data.classification as string,
        author_id: e.data.authorId as string,
        post_author_id: e.data.postAuthorId as string,
        text,
        html: renderMarkdown(text),
        created_at: e.occurredAt,
      });
    }
  },
  async clear(trx) {
    await trx('comments').delete();
  },
};
