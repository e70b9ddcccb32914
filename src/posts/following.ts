// Following people and #topics (spaces are followed in commands.ts). Following decides what a
// person's timeline gathers, never what they may read: the timeline still filters by the read
// policy, so following someone opens none of their spaces. A person is followed only if known
// (has signed in) and the policy lets the follower `read` and `follow` them (User); a topic is
// a word anyone may follow. Events go to the follower's stream `user:<id>`; a change that
// changes nothing appends nothing.
import type { Knex } from 'knex';
import { NotFoundError, ValidationError } from '../errors.js';
import { userStream } from '../identity/user-directory.js';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import { decidingPolicy, type Caller, type CommandDeps } from './commands.js';
import { namesIn } from './post-text.js';
import { record } from './record.js';
import { refusal } from '../policy/refusal.js';
import { knownPerson, personSubject, type UserRow } from '../people/people-queries.js';

export interface FollowedItem {
  readonly kind: 'space' | 'person' | 'topic';
  readonly id: string;
  /** The space's title, the person's name (null if unknown), or "#topic". */
  readonly name: string | null;
}


export async function setPersonFollow(deps: CommandDeps, caller: Caller, personId: string, follow: boolean): Promise<void> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const userId = caller.principal.id;
  const key = { user_id: userId, person_id: personId };
  const following = (await deps.knex('person_follows').where(key).first()) !== undefined;
  if (!follow && following) {
    // Stopping needs no permission: whoever one follows, one may stop following.
    await record(deps, caller, policy, userStream(userId), [{ type: 'PersonUnfollowed', data: { userId, personId } }]);
    return;
  }
  const person = await knownPerson(deps.knex, personId);
  if (!person) throw new NotFoundError();
  const subject = personSubject(policy, person);
  if (!ability.can('read', subject as never)) throw new NotFoundError();
  if (!follow) return;
  if (!ability.can('follow', subject as never)) throw refusal(ability, 'follow', subject, 'You may not follow this person.', person.id);
  if (person.id === userId) throw new ValidationError('follow: your own posts are in your timeline already; follow someone else');
  if (following) return;
  await record(deps, caller, policy, userStream(userId), [{ type: 'PersonFollowed', data: { userId, personId: person.id } }]);
}

/** A topic as posts name it (#Apollo → apollo); anything a post could not name is refused. */
export function topicOf(value: string): string {
  const bare = value.startsWith('#') ? value.slice(1) : value;
  const { topics } = namesIn(`#${bare.normalize('NFC')}`);
  if (topics.length !== 1 || topics[0] !== bare.normalize('NFC').toLowerCase()) {
    throw new ValidationError('topic: letters, digits, "_" and "-", up to 64, as after a # in a post (e.g. "apollo" for #apollo)');
  }
  return topics[0];
}

export async function setTopicFollow(deps: CommandDeps, caller: Caller, value: string, follow: boolean): Promise<void> {
  const { policy } = decidingPolicy(deps, caller);
  const topic = topicOf(value);
  const userId = caller.principal.id;
  const following = (await deps.knex('topic_follows').where({ user_id: userId, topic }).first()) !== undefined;
  if (following === follow) return;
  await record(deps, caller, policy, userStream(userId), [{ type: follow ? 'TopicFollowed' : 'TopicUnfollowed', data: { userId, topic } }]);
}

/** Everything a person follows: spaces (those they may still read), people, topics. */
export async function followedBy(knex: Knex, policy: CompiledPolicy, ability: AppAbility, userId: string): Promise<FollowedItem[]> {
  const items: FollowedItem[] = [];
  const spaceIds = new Set(await knex('space_follows').where({ user_id: userId }).pluck('space_id'));
  for (const space of policy.set.spaces.values()) {
    if (spaceIds.has(space.id) && ability.can('read', asSubject('Space', { spaceId: space.id, classification: space.classification }) as never)) {
      items.push({ kind: 'space', id: space.id, name: space.title });
    }
  }
  const people = (await knex('person_follows').join('users', 'users.id', 'person_follows.person_id').where('person_follows.user_id', userId).select('users.id', 'users.name', 'users.groups').orderBy('users.id')) as UserRow[];
  for (const person of people) if (ability.can('read', personSubject(policy, person) as never)) items.push({ kind: 'person', id: person.id, name: person.name });
  const topics = await knex('topic_follows').where({ user_id: userId }).orderBy('topic').pluck('topic');
  for (const topic of topics as string[]) items.push({ kind: 'topic', id: topic, name: `#${topic}` });
  return items;
}
