// Carries out an erasure (PersonErased): destroys exactly the keys the receipt names — matched
// by stream, owner and the SHA-256 of the wrapped key, so a key the person gets later (they sign
// in again, write again) is never touched, not even when `events rebuild` replays the receipt —
// and removes from the read models what held or pointed at the person's content and activity:
//   - their posts stay as placeholders (text gone, `erased`), so others' comments keep their thread;
//   - their comments, messages, files, reports, reactions, follows, notifications, read marks,
//     sessions and stored request answers go; titles of conversations they started go;
//   - their profile row keeps only the id and groups, marked erased;
//   - mentions of them in others' posts and comments read as a neutral placeholder.
// What others wrote stays, sealed under their own keys.
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';
import { renderMarkdown } from '../posts/markdown.js';

/** How a mention of an erased person reads in others' posts and comments. */
export const ERASED_MENTION = '@[gelöscht]';

interface Erased {
  readonly personId: string;
  readonly streams: readonly { readonly streamId: string; readonly fingerprint: string }[];
}

export const erasureProjection: Projection = {
  name: 'erasures',
  types: new Set(['PersonErased']),
  // It changes rows of other projections written up to the erasure, never those after it.
  cutsBatches: true,
  async apply(trx, events) {
    for (const { event } of events) await erase(trx, event.data as unknown as Erased, event.occurredAt);
  },
  clear() {
    // Nothing of its own: the rows it changed are rebuilt, and changed again, by the others.
    return Promise.resolve();
  },
};

const ids = (streams: readonly string[], kind: string) => streams.filter((s) => s.startsWith(`${kind}:`)).map((s) => s.slice(kind.length + 1));

async function erase(trx: Knex.Transaction, { personId, streams }: Erased, at: Date): Promise<void> {
  for (const { streamId, fingerprint } of streams) {
    await trx.raw(`DELETE FROM stream_keys WHERE stream_id = ? AND owner = ? AND encode(sha256(wrapped_key), 'hex') = ?`, [streamId, personId, fingerprint]);
  }
  const streamIds = streams.map((s) => s.streamId);
  const posts = ids(streamIds, 'post');
  const conversations = ids(streamIds, 'conversation');
  const attachments = ids(streamIds, 'attachment');
  const me = { author_id: personId };
  if (posts.length > 0) {
    await trx('posts').where(me).whereIn('id', posts).update({ text: '', html: '', mentions: [], topics: [], erased: true });
    await trx('comments').where(me).whereIn('post_id', posts).delete();
  }
  if (conversations.length > 0) {
    await trx('messages').where(me).whereIn('conversation_id', conversations).delete();
    await trx('conversations').where({ started_by: personId }).whereIn('id', conversations).update({ title: null });
  }
  if (attachments.length > 0) {
    await trx('attachment_chunks').whereIn('attachment_id', trx('attachments').select('id').where(me).whereIn('id', attachments)).delete();
    await trx('attachments').where(me).whereIn('id', attachments).delete();
  }
  // Their activity, which the read models keep in clear (the events keep the facts).
  await trx('post_reports').where({ reporter_id: personId }).delete();
  await trx('post_reactions').where({ user_id: personId }).delete();
  await trx('person_follows').where({ user_id: personId }).orWhere({ person_id: personId }).delete();
  for (const table of ['topic_follows', 'space_follows', 'notification_reads', 'conversation_reads', 'sessions', 'idempotency_keys']) await trx(table).where({ user_id: personId }).delete();
  await trx('notifications').where({ user_id: personId }).orWhere({ actor_id: personId }).delete();
  await trx('users').where({ id: personId }).update({ name: null, erased_at: at });
  await placeholderMentions(trx, personId);
}

/** Others' posts and comments that mention the person: the mention reads as a placeholder. */
async function placeholderMentions(trx: Knex.Transaction, personId: string): Promise<void> {
  // As post-text.ts reads mentions: case-insensitive, trailing dots and dashes not part of the id.
  const pattern = new RegExp(`@${personId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![._-]*[\\p{L}\\p{N}])`, 'giu');
  const posts: { id: string; text: string; mentions: string[] }[] = await trx('posts').whereRaw('? = ANY(mentions)', [personId]).select('id', 'text', 'mentions');
  for (const row of posts) {
    const text = row.text.replace(pattern, ERASED_MENTION);
    await trx('posts').where({ id: row.id }).update({ text, html: renderMarkdown(text), mentions: row.mentions.filter((m) => m !== personId) });
  }
  // Comments keep no list of mentions: their text is searched (LIKE with its wildcards escaped).
  const like = `%@${personId.replace(/[\\%_]/g, '\\$&')}%`;
  const comments: { id: string; text: string }[] = await trx('comments').whereRaw("text ILIKE ? ESCAPE '\\'", [like]).select('id', 'text');
  for (const row of comments) {
    const text = row.text.replace(pattern, ERASED_MENTION);
    if (text !== row.text) await trx('comments').where({ id: row.id }).update({ text, html: renderMarkdown(text) });
  }
}
