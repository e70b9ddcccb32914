// Every space of the active set as an administrator sees it: configuration, not content — so
// all of them, also those the admin cannot read — with who may read, post and moderate, where
// that is written, and the audience: the known people who can read it, and how many cannot.
import { knownUsers } from '../identity/user-directory.js';
import { spaceAudience } from '../policy/audience.js';
import type { AccessList } from '../policy/model.js';
import type { Caller } from '../posts/commands.js';
import { policyFor, type AdminDeps } from './policy-access.js';

export interface AccessView {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly file: string;
  readonly line: number;
}

export interface SpaceOverview {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly classification: string;
  readonly file: string;
  readonly line: number;
  readonly read: AccessView;
  readonly post: AccessView | null;
  readonly moderate: AccessView | null;
  readonly audience: { readonly count: number; readonly notReaching: number; readonly readers: readonly { readonly id: string; readonly name: string | null; readonly via: string }[] };
}

const access = (list: AccessList): AccessView => ({ roles: list.roles, groups: list.groups, file: list.at.file, line: list.at.line });

export async function spaceOverview(deps: AdminDeps, caller: Caller): Promise<{ version: string; knownPeople: number; items: SpaceOverview[] }> {
  const policy = policyFor(deps, caller, 'read');
  const users = await knownUsers(deps.knex);
  const items = [...policy.set.spaces.values()].map((space): SpaceOverview => {
    const audience = spaceAudience(policy, users, space.id)!;
    return {
      id: space.id,
      title: space.title,
      description: space.description ?? null,
      classification: space.classification,
      file: space.at.file,
      line: space.at.line,
      read: access(space.read),
      post: space.post ? access(space.post) : null,
      moderate: space.moderate ? access(space.moderate) : null,
      audience: { count: audience.readers.length, notReaching: audience.excluded, readers: audience.readers.map((r) => ({ id: r.id, name: r.name ?? null, via: r.via })) },
    };
  });
  return { version: policy.version, knownPeople: users.length, items };
}
