// Attachments as lists show them (name, type, size, checksum, where to download), and the
// read model projected from AttachmentUploaded and from the posts and messages that link them.
import type { Knex } from 'knex';
import type { Projection } from '../events/projector.js';
import type { AppAbility } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';

// A conversation's files have no space and no classification: NULL-safe, or a deny on spaces
// (NOT space_id IN ('hr')) would be NULL for them and hide them from their own participants.
export const ATTACHMENT_COLUMNS: ColumnMap = {
  spaceId: { column: 'attachments.space_id', kind: 'text', nullable: true },
  classification: { column: 'attachments.classification', kind: 'text', nullable: true },
  authorId: { column: 'attachments.author_id', kind: 'text' },
  mediaType: { column: 'attachments.media_type', kind: 'text' },
  participants: { column: 'attachments.participants', kind: 'list' },
};

export interface AttachmentView {
  readonly id: string;
  readonly name: string;
  /** The type found in the content, not the one the uploader claimed. */
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  readonly url: string;
}

export interface AttachmentRow {
  id: string;
  space_id: string | null;
  classification: string | null;
  conversation_id: string | null;
  participants: string[];
  author_id: string;
  media_type: string;
  size: string | number;
  sha256: string;
  chunks: number;
  name: string;
  post_id: string | null;
  message_id: string | null;
}

export function presentAttachment(row: Pick<AttachmentRow, 'id' | 'name' | 'media_type' | 'size' | 'sha256'>): AttachmentView {
  return { id: row.id, name: row.name, mediaType: row.media_type, size: Number(row.size), sha256: row.sha256.trim(), url: `/api/attachments/${row.id}` };
}

/**
 * The attachments of these posts or messages (whose owners the caller may read) that the caller
 * may read, by owner id, in upload order. One query for a whole page.
 */
export async function attachmentsOf(knex: Knex, ability: AppAbility, owners: { postIds?: readonly string[]; messageIds?: readonly string[] }): Promise<Map<string, AttachmentView[]>> {
  const column = owners.postIds ? 'post_id' : 'message_id';
  const ids = owners.postIds ?? owners.messageIds ?? [];
  const byOwner = new Map<string, AttachmentView[]>();
  if (ids.length === 0) return byOwner;
  // A rule that hides a file (by type, say) hides its name and checksum too, not only the bytes.
  const rows = (await wherePermitted(knex('attachments').whereIn(column, ids), ability, 'read', 'Attachment', ATTACHMENT_COLUMNS).orderBy('position')) as AttachmentRow[];
  for (const row of rows) {
    const owner = row[column] ?? '';
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), presentAttachment(row)]);
  }
  return byOwner;
}

export async function attachmentRow(knex: Knex | Knex.Transaction, id: string): Promise<AttachmentRow | undefined> {
  return (await knex('attachments').where({ id }).first()) as AttachmentRow | undefined;
}

export const attachmentsProjection: Projection = {
  name: 'attachments',
  types: new Set(['AttachmentUploaded', 'AttachmentDiscarded', 'PostCreated', 'MessageSent']),
  accepts: (e) => (e.type !== 'PostCreated' && e.type !== 'MessageSent') || (Array.isArray(e.data.attachments) && e.data.attachments.length > 0),
  personalTypes: new Set(['AttachmentUploaded']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      if (e.type === 'AttachmentUploaded') {
        const d = e.data;
        const name = typeof personal === 'object' && personal !== null && !Array.isArray(personal) && typeof personal.name === 'string' ? personal.name : '';
        await trx('attachments').insert({
          id: d.attachmentId as string,
          position: e.position,
          space_id: (d.spaceId as string | undefined) ?? null,
          classification: (d.classification as string | undefined) ?? null,
          conversation_id: (d.conversationId as string | undefined) ?? null,
          participants: (d.participants as string[] | undefined) ?? [],
          author_id: d.authorId as string,
          media_type: d.mediaType as string,
          size: d.size as number,
          sha256: d.sha256 as string,
          chunks: d.chunks as number,
          name,
          created_at: e.occurredAt,
        });
        continue;
      }
      if (e.type === 'AttachmentDiscarded') {
        await trx('attachments').where({ id: e.data.attachmentId as string }).delete();
        continue;
      }
      const linked = e.data.attachments as string[] | undefined;
      if (!linked || linked.length === 0) continue;
      const owner = e.type === 'PostCreated' ? { post_id: e.data.postId as string } : { message_id: e.data.messageId as string };
      await trx('attachments').whereIn('id', linked).update(owner);
    }
  },
  async clear(trx) {
    await trx('attachments').delete();
  },
};
