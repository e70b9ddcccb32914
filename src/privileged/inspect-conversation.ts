// POST /api/conversations/{id}/inspect: a privileged read of a conversation's messages, for
// whom the policy lets `inspect` DirectMessage (the shipped policy: nobody). Participants get
// the messages as always, with nothing recorded; everyone else gets 404 before the reason is
// looked at. The policy decides on the conversation as a whole, as the conversation list does:
// its id, who started it, its participants.
import { NotFoundError } from '../errors.js';
import { anyConversationById, allMessagesOf, type ConversationView, type MessageView } from '../messages/conversation-queries.js';
import { asSubject } from '../policy/compile.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import { privilegedAccess, recordPrivilegedRead } from './privileged-read.js';
import { statedReason } from './stated-reason.js';

export interface InspectedConversation {
  readonly privileged: boolean;
  readonly accessId: string | null;
  readonly conversation: ConversationView;
  /** Every message, oldest first. */
  readonly messages: readonly MessageView[];
}

export async function inspectConversation(deps: CommandDeps, caller: Caller, conversationId: string, body: unknown): Promise<InspectedConversation> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const conversation = await anyConversationById(deps.knex, caller.principal.id, conversationId);
  if (!conversation) throw new NotFoundError();
  const participants = conversation.participants.map((p) => p.id);
  const subject = asSubject('DirectMessage', { conversationId: conversation.id, authorId: conversation.startedBy, participants });
  const access = privilegedAccess(ability, subject);
  if (access === 'ordinary') return { privileged: false, accessId: null, conversation, messages: await allMessagesOf(deps.knex, ability, conversation.id, true) };
  const reason = statedReason(body);
  const messages = await allMessagesOf(deps.knex, ability, conversation.id, false);
  const facts = { subjectType: 'DirectMessage', conversationId: conversation.id, participants, messageCount: messages.length, affected: participants };
  const accessId = await recordPrivilegedRead(deps, caller, policy, access, facts, reason);
  return { privileged: true, accessId, conversation, messages };
}
