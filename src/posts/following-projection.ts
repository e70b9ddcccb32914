// Read models of the people and #topics a person follows (`person_follows`, `topic_follows`);
// the timeline reads them. Spaces are followed in follow-projection.ts.
import type { Projection } from '../events/projector.js';

export const personFollowsProjection: Projection = {
  name: 'person_follows',
  types: new Set(['PersonFollowed', 'PersonUnfollowed']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const key = { user_id: e.data.userId as string, person_id: e.data.personId as string };
      if (e.type === 'PersonUnfollowed') await trx('person_follows').where(key).delete();
      else await trx.raw('INSERT INTO person_follows (user_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [key.user_id, key.person_id]);
    }
  },
  async clear(trx) {
    await trx('person_follows').delete();
  },
};

export const topicFollowsProjection: Projection = {
  name: 'topic_follows',
  types: new Set(['TopicFollowed', 'TopicUnfollowed']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const key = { user_id: e.data.userId as string, topic: e.data.topic as string };
      if (e.type === 'TopicUnfollowed') await trx('topic_follows').where(key).delete();
      else await trx.raw('INSERT INTO topic_follows (user_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING', [key.user_id, key.topic]);
    }
  },
  async clear(trx) {
    await trx('topic_follows').delete();
  },
};
