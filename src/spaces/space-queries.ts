// The spaces a person may read, from the active policy, with what they may do there and
// whether they follow or muted each; spaces they may not read are not mentioned at all.
import type { Knex } from 'knex';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';

export interface SpaceView {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly classification: string;
  readonly following: boolean;
  readonly muted: boolean;
  readonly may: Readonly<Record<'post' | 'moderate' | 'follow', boolean>>;
}

export async function readableSpaces(knex: Knex, policy: CompiledPolicy, ability: AppAbility, userId: string): Promise<SpaceView[]> {
  const follows = new Map((await knex<{ user_id: string; space_id: string; muted: boolean }>('space_follows').where({ user_id: userId })).map((r) => [r.space_id, r.muted]));
  const views: SpaceView[] = [];
  for (const space of policy.set.spaces.values()) {
    const fields = { spaceId: space.id, classification: space.classification };
    if (!ability.can('read', asSubject('Space', fields) as never)) continue;
    views.push({
      id: space.id,
      title: space.title,
      description: space.description ?? null,
      classification: space.classification,
      following: follows.has(space.id),
      muted: follows.get(space.id) ?? false,
      may: {
        post: ability.can('create', asSubject('Post', { ...fields, authorId: userId, mentions: [], topics: [] }) as never),
        moderate: ability.can('moderate', asSubject('Space', fields) as never),
        follow: ability.can('follow', asSubject('Space', fields) as never),
      },
    });
  }
  return views;
}
