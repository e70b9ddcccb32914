// The conversations, messages and read marks read models. A message's text is a copy of
// sealed content, like a post's: retention removes the row when it shreds the key.
import type { Projection } from '../events/projector.js';
import { renderMarkdown, textOf } from '../posts/markdown.js';

export const conversationsProjection: Projection = {
  name: 'conversations',
  types: new Set(['ConversationStarted', 'MessageSent', 'MessageDeleted', 'ConversationRead']),
  personalTypes: new Set(['ConversationStarted', 'MessageSent']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      const d = e.data;
      switch (e.type) {
        case 'ConversationStarted': {
          const title = typeof personal === 'object' && personal !== null && !Array.isArray(personal) && typeof personal.title === 'string' ? personal.title : null;
          await trx('conversations').insert({
            id: d.conversationId as string,
            position: e.position,
            participants: d.participants as string[],
            started_by: d.startedBy as string,
            title,
            last_position: e.position,
            created_at: e.occurredAt,
          });
          break;
        }
        case 'MessageSent': {
          const text = textOf(personal);
          await trx('messages').insert({
            id: d.messageId as string,
            position: e.position,
            conversation_id: d.conversationId as string,
            author_id: d.authorId as string,
            participants: d.participants as string[],
            text,
            html: renderMarkdown(text),
            attachment_count: Array.isArray(d.attachments) ? d.attachments.length : 0,
            created_at: e.occurredAt,
          });
          await trx('conversations').where({ id: d.conversationId as string }).update({ last_position: e.position });
          break;
        }
        case 'MessageDeleted':
          await trx('messages').where({ id: d.messageId as string }).delete();
          break;
        case 'ConversationRead':
          await trx.raw(
            `INSERT INTO conversation_reads (user_id, conversation_id, read_position) VALUES (?, ?, ?)
             ON CONFLICT (user_id, conversation_id) DO UPDATE SET read_position = GREATEST(conversation_reads.read_position, EXCLUDED.read_position)`,
            [d.userId as string, d.conversationId as string, d.position as number],
          );
          break;
      }
    }
  },
  async clear(trx) {
    await trx('conversation_reads').delete();
    await trx('messages').delete();
    await trx('conversations').delete();
  },
};
