// The `posts` read model: one row per post, with the fields the policy filters on and a copy
// of its current text (sealed in the events; retention removes the row when it shreds the
// key). An edit replaces the text and marks the post edited; a deletion removes the post (the
// comments projection removes its comments; the events stay until retention shreds them).
import type { Projection } from '../events/projector.js';
import { renderMarkdown, textOf } from './markdown.js';

export const postsProjection: Projection = {
  name: 'posts',
  types: new Set(['PostCreated', 'PostEdited', 'PostDeleted']),
  personalTypes: new Set(['PostCreated', 'PostEdited']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      const text = textOf(personal);
      if (e.type === 'PostDeleted') {
        await trx('posts').where({ id: e.data.postId as string }).delete();
        continue;
      }
      if (e.type === 'PostEdited') {
        await trx('posts')
          .where({ id: e.data.postId as string })
          .update({ text, html: renderMarkdown(text), mentions: e.data.mentions as string[], topics: e.data.topics as string[], edited_at: e.occurredAt });
        continue;
      }
      await trx('posts').insert({
        id: e.data.postId as string,
        position: e.position,
        space_id: e.data.spaceId as string,
        classification: e.data.classification as string,
        author_id: e.data.authorId as string,
        mentions: e.data.mentions as string[],
        topics: e.data.topics as string[],
        text,
        html: renderMarkdown(text),
        attachment_count: Array.isArray(e.data.attachments) ? e.data.attachments.length : 0,
        created_at: e.occurredAt,
      });
    }
  },
  async clear(trx) {
    await trx('posts').delete();
  },
};
