// Which record an event's personal content belongs to, with the fields the policy decides on:
// a post's text (created or edited), a comment's, a message's or a conversation's title. An
// edit carries only what changed, so the post's space, classification and author come from the
// event that created it (the first of its stream), which may lie outside an export's range.
import type { EventStore } from '../events/event-store.js';
import type { JsonObject, RecordedEvent } from '../events/types.js';
import type { AudienceSubject } from '../policy/audience.js';

export interface ContentSubject {
  readonly type: Extract<AudienceSubject, 'Post' | 'Comment' | 'DirectMessage'>;
  readonly fields: Readonly<Record<string, unknown>>;
}

const CREATED_LIMIT = 10_000;

export class ContentSubjects {
  private readonly created = new Map<string, JsonObject | null>();

  constructor(private readonly store: EventStore) {}

  async of(event: RecordedEvent): Promise<ContentSubject | undefined> {
    const d = event.data;
    switch (event.type) {
      case 'PostCreated':
        return { type: 'Post', fields: postFields(d) };
      case 'PostEdited': {
        const created = await this.createdOf(event.streamId);
        return created ? { type: 'Post', fields: { ...postFields(created), mentions: d.mentions, topics: d.topics } } : undefined;
      }
      case 'CommentCreated':
        return { type: 'Comment', fields: { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, postAuthorId: d.postAuthorId } };
      case 'MessageSent':
        return { type: 'DirectMessage', fields: { conversationId: d.conversationId, authorId: d.authorId, participants: d.participants } };
      case 'ConversationStarted':
        return { type: 'DirectMessage', fields: { conversationId: d.conversationId, authorId: d.startedBy, participants: d.participants } };
      default:
        return undefined;
    }
  }

  private async createdOf(streamId: string): Promise<JsonObject | null> {
    let data = this.created.get(streamId);
    if (data === undefined) {
      const [first] = await this.store.readStream(streamId, { limit: 1 });
      data = first?.type === 'PostCreated' ? first.data : null;
      if (this.created.size >= CREATED_LIMIT) this.created.clear();
      this.created.set(streamId, data);
    }
    return data;
  }
}

function postFields(d: JsonObject): Record<string, unknown> {
  return { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, mentions: d.mentions, topics: d.topics };
}
