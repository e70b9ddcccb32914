// Which uploaded files a new post or message may carry: the sender's own, uploaded to the
// same space or conversation, not yet attached to anything. Checked before the event is
// appended, so a post never names a file its readers could not open.
import type { Knex } from 'knex';
import { ValidationError } from '../errors.js';
import { isUuid } from '../posts/record.js';

export const MAX_ATTACHMENTS = 10;

export async function linkableAttachments(knex: Knex, value: unknown, senderId: string, place: { spaceId: string } | { conversationId: string }, what: string): Promise<string[]> {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS || !value.every((v): v is string => isUuid(v))) {
    throw new ValidationError(`${what}: "attachments" must be a list of at most ${MAX_ATTACHMENTS} attachment ids from POST /api/attachments`);
  }
  const ids = [...new Set(value)];
  const rows = ids.length === 0 ? [] : await knex<{ id: string; author_id: string; space_id: string | null; conversation_id: string | null; post_id: string | null; message_id: string | null }>('attachments').whereIn('id', ids);
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    const here = 'spaceId' in place ? row?.space_id === place.spaceId : row?.conversation_id === place.conversationId;
    // One message for every reason: someone else's upload is none of the sender's business.
    if (!row || row.author_id !== senderId || !here || row.post_id !== null || row.message_id !== null) {
      throw new ValidationError(`${what}: attachment ${id} is not one of your unattached uploads to this ${'spaceId' in place ? 'space' : 'conversation'}`);
    }
  }
  return ids;
}
