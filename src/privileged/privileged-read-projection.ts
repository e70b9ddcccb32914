// The `privileged_reads` read model: the notices of privileged reads. One row per
// PrivilegedContentRead event with what was read, when, through which role and whose content it
// showed — never the reason or the reader's name (those stay in the event, for the audit trail).
// Nothing removes a row: a deleted post keeps the notice that it was once read.
import type { Projection } from '../events/projector.js';
import { PRIVILEGED_READ_EVENT } from './privileged-read.js';

export const privilegedReadsProjection: Projection = {
  name: 'privileged_reads',
  types: new Set([PRIVILEGED_READ_EVENT]),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const d = e.data;
      const post = d.subjectType === 'Post';
      await trx('privileged_reads').insert({
        id: d.accessId as string,
        position: e.position,
        subject_type: d.subjectType as string,
        post_id: post ? (d.postId as string) : null,
        space_id: post ? (d.spaceId as string) : null,
        classification: post ? (d.classification as string) : null,
        conversation_id: post ? null : (d.conversationId as string),
        affected: d.affected as string[],
        via: d.via as string[],
        read_at: e.occurredAt,
      });
    }
  },
  async clear(trx) {
    await trx('privileged_reads').delete();
  },
};
