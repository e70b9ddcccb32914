// Direct messages and small private conversations. A conversation is a stream of its own
// (`conversation:<id>`) whose participants are fixed when it starts; every message carries
// them, so the policy decides each message by its own facts. Two people have one direct
// conversation: starting it again returns the existing one.
import crypto from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors.js';
import { linkableAttachments } from '../attachments/linking.js';
import { userStream } from '../identity/user-directory.js';
import { asSubject } from '../policy/compile.js';
import { contentBody, decidingPolicy, requireGuideline, type Caller, type CommandDeps } from '../posts/commands.js';
import { conversationById, directConversationBetween, messageById, type ConversationView, type MessageView } from './conversation-queries.js';
import { record } from '../posts/record.js';
import { refusal } from '../policy/refusal.js';

/** "A few named people": beyond this, a space is the right place. */
export const MAX_PARTICIPANTS = 20;
const TITLE_LIMIT = 100;

export const conversationStream = (conversationId: string) => `conversation:${conversationId}`;

export async function startConversation(deps: CommandDeps, caller: Caller, body: unknown): Promise<{ conversation: ConversationView; created: boolean }> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const me = caller.principal.id;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('conversation: expected a JSON object with "participants"');
  const unknownKeys = Object.keys(body).filter((k) => k !== 'participants' && k !== 'title');
  if (unknownKeys.length > 0) throw new ValidationError(`conversation: unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}; expected "participants" and optionally "title"`);
  const { participants: raw, title: rawTitle } = body as { participants?: unknown; title?: unknown };
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((p): p is string => typeof p === 'string' && p.length > 0 && p.length <= 255)) {
    throw new ValidationError('conversation: "participants" must be a non-empty list of user ids');
  }
  const others = [...new Set(raw)].filter((p) => p !== me);
  if (others.length === 0) throw new ValidationError('conversation: name at least one person other than yourself');
  if (others.length + 1 > MAX_PARTICIPANTS) throw new ValidationError(`conversation: at most ${MAX_PARTICIPANTS} people; for more, use a space`);
  let title: string | undefined;
  if (rawTitle !== undefined) {
    if (typeof rawTitle !== 'string' || rawTitle.trim() === '' || [...rawTitle].length > TITLE_LIMIT) throw new ValidationError(`conversation: "title" must be 1 to ${TITLE_LIMIT} characters`);
    title = rawTitle.normalize('NFC').trim();
  }
  // Only people Flurfunk knows (they have signed in) and the caller may see in the directory.
  const known = new Set((await deps.knex<{ id: string }>('users').whereIn('id', others).select('id')).map((r) => r.id));
  const unknown = others.filter((id) => !known.has(id) || !ability.can('read', asSubject('User', { userId: id }) as never));
  if (unknown.length > 0) throw new ValidationError(`conversation: no person known to Flurfunk with id ${unknown.map((u) => `"${u}"`).join(', ')}`);

  const participants = [me, ...others].sort();
  if (participants.length === 2 && title === undefined) {
    const existing = await directConversationBetween(deps.knex, participants[0]!, participants[1]!);
    if (existing) return { conversation: await conversationById(deps.knex, ability, me, existing), created: false };
  }
  const conversationId = crypto.randomUUID();
  const subject = asSubject('DirectMessage', { conversationId, authorId: me, participants });
  if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, 'You may not start conversations.');
  const started = { type: 'ConversationStarted', data: { conversationId, participants, startedBy: me }, ...(title === undefined ? {} : { personal: { title } }) };
  await record(deps, caller, policy, conversationStream(conversationId), [started], 0);
  return { conversation: await conversationById(deps.knex, ability, me, conversationId), created: true };
}

export async function sendMessage(deps: CommandDeps, caller: Caller, conversationId: string, body: unknown): Promise<MessageView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const me = caller.principal.id;
  const conversation = await conversationById(deps.knex, ability, me, conversationId);
  const { text, fields } = contentBody(body, 'message', policy.set.limits.messageLength, ['attachments']);
  const participants = conversation.participants.map((p) => p.id);
  const subject = asSubject('DirectMessage', { conversationId: conversation.id, authorId: me, participants });
  if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, 'You may read this conversation but not write in it.', conversation.id);
  await requireGuideline(deps, policy, me);
  const attachments = await linkableAttachments(deps.knex, fields.attachments, me, { conversationId: conversation.id }, 'message');
  const messageId = crypto.randomUUID();
  const data = { conversationId: conversation.id, messageId, authorId: me, participants, ...(attachments.length > 0 ? { attachments } : {}) };
  await record(deps, caller, policy, conversationStream(conversation.id), [{ type: 'MessageSent', data, personal: { text } }]);
  return messageById(deps.knex, ability, messageId);
}

export async function deleteMessage(deps: CommandDeps, caller: Caller, conversationId: string, messageId: string): Promise<void> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const message = await messageById(deps.knex, ability, messageId);
  if (message.conversationId !== conversationId) throw new NotFoundError();
  if (!message.may.delete) throw refusal(ability, 'delete', asSubject('DirectMessage', { conversationId, authorId: message.author.id }), 'Only the author may delete a message.', messageId);
  await record(deps, caller, policy, conversationStream(conversationId), [{ type: 'MessageDeleted', data: { conversationId, messageId } }]);
}

/** Marks a conversation read up to its newest message (an event: who read what is on record). */
export async function markConversationRead(deps: CommandDeps, caller: Caller, conversationId: string): Promise<ConversationView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const me = caller.principal.id;
  const conversation = await conversationById(deps.knex, ability, me, conversationId);
  if (conversation.unread === 0) return conversation;
  await record(deps, caller, policy, userStream(me), [{ type: 'ConversationRead', data: { userId: me, conversationId: conversation.id, position: conversation.lastPosition } }]);
  return conversationById(deps.knex, ability, me, conversation.id);
}
