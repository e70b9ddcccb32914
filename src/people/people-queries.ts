// The people directory as the UI needs it: finding colleagues by name or id (for @mentions
// and new conversations), one person's profile, and the #topics in posts the caller may
// read (for #topic completion). Only people who have signed in are known; erased people
// are not found; the policy's `read User` decides who is shown at all.
import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import { wherePermitted } from '../policy/sql-filter.js';
import { POST_COLUMNS } from '../posts/post-queries.js';

export interface UserRow {
  readonly id: string;
  readonly name: string | null;
  readonly groups: string[];
}

export interface PersonView {
  readonly id: string;
  readonly name: string | null;
}

export interface ProfileView extends PersonView {
  readonly firstSeenAt: string;
  readonly following: boolean;
  readonly may: Readonly<Record<'follow' | 'message', boolean>>;
}

/** The User subject of a known person as this policy sees them. */
export function personSubject(policy: CompiledPolicy, row: Pick<UserRow, 'id' | 'groups'>): Record<string, unknown> {
  return asSubject('User', { userId: row.id, groups: [...policy.principal({ id: row.id, groups: row.groups }).groups] });
}

export async function knownPerson(knex: Knex, userId: string): Promise<UserRow | undefined> {
  return knex<UserRow>('users').select('id', 'name', 'groups').where({ id: userId }).whereNull('erased_at').first();
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** How many candidates one round reads, and how many rounds at most, before the policy's read User. */
const PEOPLE_BATCH = 50;
const PEOPLE_ROUNDS = 10;

/** People whose name or id contains `text` (case-insensitive), best matches first. */
export async function findPeople(knex: Knex, policy: CompiledPolicy, ability: AppAbility, text: string, limit: number): Promise<PersonView[]> {
  const wanted = text.trim();
  const pattern = likePattern(wanted);
  const prefix = `${wanted.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const found: PersonView[] = [];
  // `read User` depends on each person's groups as the policy maps them, which SQL cannot
  // see; so candidates are read in rounds until enough are visible (bounded: a policy that
  // hides nearly everyone gets fewer suggestions, never a scan of the whole directory).
  for (let round = 0; round < PEOPLE_ROUNDS && found.length < limit; round++) {
    const rows = await knex<UserRow>('users')
      .select('id', 'name', 'groups')
      .whereNull('erased_at')
      .where((q) => void q.whereILike('id', pattern).orWhereILike('name', pattern))
      // Those whose id or name starts with the text first, then by name.
      .orderByRaw('(CASE WHEN id ILIKE ? OR name ILIKE ? THEN 0 ELSE 1 END), name NULLS LAST, id', [prefix, prefix])
      .offset(round * PEOPLE_BATCH)
      .limit(PEOPLE_BATCH);
    for (const row of rows) if (found.length < limit && ability.can('read', personSubject(policy, row) as never)) found.push({ id: row.id, name: row.name });
    if (rows.length < PEOPLE_BATCH) break;
  }
  return found;
}

/** One person as `viewerId` sees them; NotFoundError when unknown, erased or hidden. */
export async function profileOf(knex: Knex, policy: CompiledPolicy, ability: AppAbility, viewerId: string, userId: string): Promise<ProfileView> {
  const row = await knex<UserRow & { first_seen_at: Date }>('users').select('id', 'name', 'groups', 'first_seen_at').where({ id: userId }).whereNull('erased_at').first();
  if (!row) throw new NotFoundError();
  const subject = personSubject(policy, row);
  if (!ability.can('read', subject as never)) throw new NotFoundError();
  const following = (await knex('person_follows').where({ user_id: viewerId, person_id: userId }).first()) !== undefined;
  const self = viewerId === userId;
  return {
    id: row.id,
    name: row.name,
    firstSeenAt: row.first_seen_at.toISOString(),
    following,
    may: {
      follow: !self && ability.can('follow', subject as never),
      message: !self && ability.can('create', asSubject('DirectMessage', { conversationId: '', authorId: viewerId, participants: [viewerId, userId].sort() }) as never),
    },
  };
}

export interface TopicView {
  readonly topic: string;
  /** Readable posts naming it. */
  readonly posts: number;
}

/** Topic suggestions count the newest posts only: a keystroke must not scan every post ever written. */
const TOPIC_WINDOW = 5000;

/** #topics of the newest posts the caller may read that start with `prefix`, the most used first. */
export async function findTopics(knex: Knex, ability: AppAbility, prefix: string, limit: number): Promise<TopicView[]> {
  const readable = wherePermitted(knex('posts').select('posts.topics'), ability, 'read', 'Post', POST_COLUMNS)
    .whereRaw("cardinality(posts.topics) > 0")
    .orderBy('posts.position', 'desc')
    .limit(TOPIC_WINDOW);
  const rows = await knex
    .select('topic')
    .count<{ topic: string; count: string | number }[]>('* as count')
    .from(knex.raw('(?) AS readable, unnest(readable.topics) AS topic', [readable]))
    .whereLike('topic', `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
    .groupBy('topic')
    .orderBy([{ column: 'count', order: 'desc' }, { column: 'topic' }])
    .limit(limit);
  return rows.map((r) => ({ topic: r.topic, posts: Number(r.count) }));
}
