// The people Flurfunk knows: everyone who has signed in, with their directory groups. Each
// sign-in appends to the person's stream `user:<id>`: UserSignedIn, and UserProfileChanged or
// UserGroupsChanged when name, email or groups differ from what the stream last recorded.
// Name and email are personal content (sealed under the stream's key, so erasure can shred
// them); groups are facts the policy works with. The `users` table is the read model the
// audience function reads, kept by the projector.
import type { Knex } from 'knex';
import { WrongExpectedVersionError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { Projection } from '../events/projector.js';
import type { AppendContext, NewEvent, RecordedEvent } from '../events/types.js';

export const userStream = (userId: string) => `user:${userId}`;

export interface SignInFacts {
  readonly userId: string;
  readonly name: string | undefined;
  readonly email: string | undefined;
  readonly groups: readonly string[];
  /** The session's handle, or "bearer" for an API token. */
  readonly session: string;
}

interface Known {
  readonly version: number;
  readonly name: string | undefined;
  readonly email: string | undefined;
  readonly groups: readonly string[] | undefined;
}

async function knownState(store: EventStore, userId: string): Promise<Known> {
  let version = 0;
  let groups: readonly string[] | undefined;
  let profileEvent: RecordedEvent | undefined;
  for (;;) {
    const page = await store.readStream(userStream(userId), { fromVersion: version + 1 });
    for (const e of page) {
      if (e.type === 'UserGroupsChanged') groups = e.data.groups as string[];
      if (e.type === 'UserProfileChanged') profileEvent = e;
    }
    if (page.length === 0) break;
    version = page[page.length - 1]!.streamVersion;
  }
  let name: string | undefined;
  let email: string | undefined;
  if (profileEvent) {
    const content = await store.personal(profileEvent);
    if (content.state === 'present') ({ name, email } = content.value as { name?: string; email?: string });
  }
  return { version, name, email, groups };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set([...a, ...b]).size === a.length;

/** Appends the sign-in and whatever changed about the person since their last one. */
export async function recordSignIn(store: EventStore, facts: SignInFacts, context: AppendContext): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const known = await knownState(store, facts.userId);
    const events: NewEvent[] = [{ type: 'UserSignedIn', data: { userId: facts.userId, session: facts.session, first: known.version === 0 } }];
    if (known.name !== facts.name || known.email !== facts.email) {
      events.push({ type: 'UserProfileChanged', data: { userId: facts.userId, changed: [...(known.name !== facts.name ? ['name'] : []), ...(known.email !== facts.email ? ['email'] : [])] }, personal: { name: facts.name ?? null, email: facts.email ?? null } });
    }
    const groups = [...facts.groups].sort();
    if (!known.groups || !sameSet(known.groups, groups)) {
      const before = new Set(known.groups ?? []);
      const after = new Set(groups);
      events.push({ type: 'UserGroupsChanged', data: { userId: facts.userId, groups, added: groups.filter((g) => !before.has(g)), removed: [...before].filter((g) => !after.has(g)).sort() } });
    }
    try {
      await store.append(userStream(facts.userId), events, { ...context, expectedVersion: known.version });
      return;
    } catch (err) {
      // Two sign-ins of one person at once: fold again and record against the newer state.
      if (!(err instanceof WrongExpectedVersionError) || attempt >= 3) throw err;
    }
  }
}

/** The `users` read model: who has signed in, their groups and their name. */
export const usersProjection: Projection = {
  name: 'users',
  types: new Set(['UserSignedIn', 'UserGroupsChanged', 'UserProfileChanged']),
  personalTypes: new Set(['UserProfileChanged']),
  async apply(trx, events) {
    for (const { event: e, personal } of events) {
      const userId = e.data.userId as string;
      if (e.type === 'UserSignedIn') {
        await trx.raw(
          `INSERT INTO users (id, groups, first_seen_at, last_sign_in_at, position) VALUES (?, '{}', ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET last_sign_in_at = GREATEST(users.last_sign_in_at, excluded.last_sign_in_at)`,
          [userId, e.occurredAt, e.occurredAt, e.position],
        );
      } else if (e.type === 'UserGroupsChanged') {
        await trx('users').where({ id: userId }).update({ groups: e.data.groups as string[], position: e.position });
      } else {
        const name = (personal as { name?: unknown } | undefined)?.name;
        await trx('users').where({ id: userId }).update({ name: typeof name === 'string' ? name : null });
      }
    }
  },
  async clear(trx) {
    await trx('users').delete();
  },
};

/** Everyone who has signed in, with the groups their identity provider last sent. */
export async function knownUsers(knex: Knex): Promise<{ id: string; name: string | undefined; groups: string[] }[]> {
  const rows = await knex<{ id: string; name: string | null; groups: string[] }>('users').select('id', 'name', 'groups').orderBy('id');
  return rows.map((r) => ({ id: r.id, name: r.name ?? undefined, groups: r.groups }));
}
