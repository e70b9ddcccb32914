// The `posts` read model: one row per post, with the fields the policy filters on and a copy
// of the text (sealed in the event; retention removes the row when it shreds the key).
import type { Projection } from '../events/projector.js';
import { renderMarkdown } from './markdown.js';

export const postsProjection: Projection = {
  name: 'posts',
  types: new Set(['PostCreated']),
  personalTypes: new Set(['PostCreated']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      const raw = (personal as { text?: unknown } | undefined)?.text;
      const text = typeof raw === 'string' ? raw : '';
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
        created_at: e.occurredAt,
      });
    }
  },
  async clear(trx) {
    await trx('posts').delete();
  },
};
