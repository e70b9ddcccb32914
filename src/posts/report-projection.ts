// The `post_reports` read model: reports of posts to their space's moderators, open until a
// moderator resolves them. The reason is a copy of sealed content (like a post's text); a
// deleted post takes its reports with it.
import type { Projection } from '../events/projector.js';

export const reportsProjection: Projection = {
  name: 'post_reports',
  types: new Set(['PostReported', 'ReportResolved', 'PostDeleted']),
  personalTypes: new Set(['PostReported']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      if (e.type === 'PostDeleted') {
        await trx('post_reports').where({ post_id: e.data.postId as string }).delete();
        continue;
      }
      if (e.type === 'ReportResolved') {
        await trx('post_reports')
          .where({ id: e.data.reportId as string })
          .update({ outcome: e.data.outcome as string, resolved_by: e.data.resolvedBy as string, resolved_at: e.occurredAt });
        continue;
      }
      const post: unknown = await trx('posts').where({ id: e.data.postId as string }).first('id');
      if (post === undefined) continue;
      const reason = (personal as { reason?: unknown } | undefined)?.reason;
      await trx('post_reports').insert({
        id: e.data.reportId as string,
        position: e.position,
        post_id: e.data.postId as string,
        space_id: e.data.spaceId as string,
        reporter_id: e.data.reporterId as string,
        reason: typeof reason === 'string' ? reason : '',
        reported_at: e.occurredAt,
      });
    }
  },
  async clear(trx) {
    await trx('post_reports').delete();
  },
};
