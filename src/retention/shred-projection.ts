// Carries out retention's receipts: for each ContentShredded event, deletes the stream's data
// keys (every author's) and every read-model row that holds or points at its content — the
// post with its comments, reactions, answers, pins, reports and notifications; the
// conversation with its messages; the attachment with its sealed chunks.
//
// The receipt is the commit point of a shred: the sweeper appends it, and this projection does
// the rest exactly once (and again, harmlessly, on `events rebuild`, after the other projections
// recreated the rows from the same events — so a rebuild never brings shredded content back).
// A crash between the two is no gap: the projector applies the receipt when it restarts.
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';

/** The kind of a stream and its id, from the stream's name. */
export function streamParts(streamId: string): { kind: string; id: string } {
  const colon = streamId.indexOf(':');
  return colon < 0 ? { kind: streamId, id: '' } : { kind: streamId.slice(0, colon), id: streamId.slice(colon + 1) };
}

export const shredProjection: Projection = {
  name: 'shredded',
  types: new Set(['ContentShredded']),
  async apply(trx, events) {
    await removeStreams(trx, events.map((e) => e.event.streamId));
  },
  clear() {
    // Nothing of its own to clear: the rows it removed are rebuilt (and removed again) by the others.
    return Promise.resolve();
  },
};

/** Removes everything derived from these streams' content, and their keys. */
export async function removeStreams(trx: Knex.Transaction, streamIds: readonly string[]): Promise<void> {
  const ids = (kind: string) => streamIds.map(streamParts).filter((p) => p.kind === kind).map((p) => p.id);
  const posts = ids('post');
  const conversations = ids('conversation');
  const attachments = ids('attachment');
  await trx('stream_keys').whereIn('stream_id', streamIds).delete();
  await trx('retention_streams').whereIn('stream_id', streamIds).delete();
  if (posts.length > 0) {
    for (const table of ['comments', 'post_reactions', 'post_answers', 'pinned_posts', 'post_reports', 'notifications']) await trx(table).whereIn('post_id', posts).delete();
    await trx('posts').whereIn('id', posts).delete();
  }
  if (conversations.length > 0) {
    for (const table of ['messages', 'conversation_reads', 'notifications']) await trx(table).whereIn('conversation_id', conversations).delete();
    await trx('conversations').whereIn('id', conversations).delete();
  }
  if (attachments.length > 0) {
    await trx('attachment_chunks').whereIn('attachment_id', attachments).delete();
    await trx('attachments').whereIn('id', attachments).delete();
  }
}
