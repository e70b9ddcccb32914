// The shapes the feed's pages receive from the API (see /api/openapi.json), so every page
// reads the same fields the same way.
import type { Attachment, Limits, Person } from '../api-types.js';

export type { Attachment, Limits, Person };

export const REACTIONS = ['like', 'thanks', 'celebrate', 'insightful'] as const;
export type Reaction = (typeof REACTIONS)[number];

export interface Post {
  readonly id: string;
  readonly spaceId: string;
  readonly classification: string;
  readonly author: Person;
  readonly text: string;
  /** Rendered and sanitized by the server: the one field the UI inserts as HTML. */
  readonly html: string;
  readonly mentions: readonly string[];
  readonly topics: readonly string[];
  readonly createdAt: string;
  readonly editedAt: string | null;
  readonly erased: boolean;
  readonly position: number;
  readonly attachments: readonly Attachment[];
  readonly privilegedReads: { readonly count: number; readonly lastAt: string | null };
  readonly reactions: Readonly<Record<Reaction, number>>;
  readonly myReactions: readonly Reaction[];
  readonly pinned: boolean;
  readonly answerId: string | null;
  readonly may: Readonly<Record<'update' | 'delete' | 'react' | 'report' | 'pin' | 'readHistory', boolean>>;
}

export interface Comment {
  readonly id: string;
  readonly postId: string;
  readonly author: Person;
  readonly text: string;
  /** Rendered and sanitized by the server, like a post's. */
  readonly html: string;
  readonly createdAt: string;
  readonly position: number;
  readonly isAnswer: boolean;
  readonly may: Readonly<Record<'update' | 'delete' | 'markAnswer', boolean>>;
}

export interface Space {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly classification: string;
  readonly following: boolean;
  readonly muted: boolean;
  readonly may: Readonly<Record<'post' | 'moderate' | 'follow', boolean>>;
}

export interface Profile extends Person {
  readonly firstSeenAt: string;
  readonly following: boolean;
  readonly may: Readonly<Record<'follow' | 'message', boolean>>;
}

export interface FollowedItem {
  readonly kind: 'space' | 'person' | 'topic';
  readonly id: string;
  readonly name: string | null;
}

export interface Audience {
  readonly spaceId: string;
  readonly classification: string;
  readonly count: number;
  readonly readers: readonly Person[];
  /** Known people who will not be able to read it. */
  readonly notReaching: number;
}

export interface HistoryVersion {
  readonly text: string;
  readonly at: string;
  readonly by: string;
}

/** Classifications that the UI marks visibly wherever their content appears. */
export function isClosed(classification: string): boolean {
  return classification === 'confidential' || classification === 'secret';
}
