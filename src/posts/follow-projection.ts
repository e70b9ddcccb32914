// Read models of a person's choices: the spaces they follow or mute, and the guideline
// versions they accepted.
import type { Projection } from '../events/projector.js';

export const followsProjection: Projection = {
  name: 'space_follows',
  types: new Set(['SpaceFollowed', 'SpaceUnfollowed', 'SpaceMuted', 'SpaceUnmuted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const key = { user_id: e.data.userId as string, space_id: e.data.spaceId as string };
      if (e.type === 'SpaceUnfollowed') {
        await trx('space_follows').where(key).delete();
      } else {
        const muted = e.type === 'SpaceMuted' ? true : e.type === 'SpaceUnmuted' ? false : undefined;
        await trx.raw(
          `INSERT INTO space_follows (user_id, space_id, muted) VALUES (?, ?, ?)
           ON CONFLICT (user_id, space_id) DO UPDATE SET muted = COALESCE(?, space_follows.muted)`,
          [key.user_id, key.space_id, muted ?? false, muted ?? null],
        );
      }
    }
  },
  async clear(trx) {
    await trx('space_follows').delete();
  },
};

export const guidelineProjection: Projection = {
  name: 'guideline_acceptances',
  types: new Set(['GuidelineAccepted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      await trx.raw('INSERT INTO guideline_acceptances (user_id, version, accepted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [e.data.userId as string, e.data.version as string, e.occurredAt]);
    }
  },
  async clear(trx) {
    await trx('guideline_acceptances').delete();
  },
};
