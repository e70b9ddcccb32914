// The shapes the server answers for conversations, messages and notifications (see
// /api/openapi.json: Conversation, Message, Attachment, Notification), and how a
// conversation is named for the person looking at it.
import { displayName } from '../session.js';

import type { Attachment, Person } from '../api-types.js';

export type { Attachment, Person };

export interface Conversation {
  readonly id: string;
  readonly participants: readonly Person[];
  readonly title: string | null;
  readonly startedBy: string;
  readonly createdAt: string;
  readonly lastPosition: number;
  readonly unread: number;
}

export interface Message {
  readonly id: string;
  readonly conversationId: string;
  readonly author: Person;
  readonly text: string;
  /** Rendered by the server from Markdown, safe to insert (no raw HTML, safe links only). */
  readonly html: string;
  readonly createdAt: string;
  readonly position: number;
  readonly attachments: readonly Attachment[];
  readonly may: Readonly<Record<string, boolean>>;
}

export interface Notification {
  readonly position: number;
  readonly kind: 'mention' | 'reply' | 'message';
  readonly actor: Person;
  readonly postId: string | null;
  readonly commentId: string | null;
  readonly conversationId: string | null;
  readonly messageId: string | null;
  readonly excerpt: string;
  readonly createdAt: string;
  readonly read: boolean;
}

/** The people in a conversation besides the viewer. */
export function othersIn(conversation: Conversation, myId: string): readonly Person[] {
  return conversation.participants.filter((p) => p.id !== myId);
}

/** Its title, or else the names of the others in it. */
export function conversationName(conversation: Conversation, myId: string, alone: string): string {
  if (conversation.title) return conversation.title;
  const others = othersIn(conversation, myId);
  return others.length === 0 ? alone : others.map(displayName).join(', ');
}
