// Who would be able to read a space or a draft post under a policy: the answer to "am I about
// to tell the wrong people?" before anything is sent. Decided by the same abilities as every
// read, for each known user (users become known when they sign in).
import type { SubjectType } from './catalogue.js';
import type { CompiledPolicy } from './compile.js';
import { decide } from './explain.js';

export interface KnownUser {
  readonly id: string;
  /** Directory groups as last seen at sign-in, in any form the identity provider sends. */
  readonly groups: readonly string[];
  readonly name?: string;
}

export interface AudienceMember {
  readonly id: string;
  readonly name: string | undefined;
  /** The rule that lets them read, in words ("space project-apollo: read list"). */
  readonly via: string;
}

export interface Audience {
  readonly readers: readonly AudienceMember[];
  /** How many known users would not see it. */
  readonly excluded: number;
}

/** The subjects whose readers an audience lists. */
export type AudienceSubject = Extract<SubjectType, 'Space' | 'Post' | 'Comment' | 'Attachment' | 'DirectMessage'>;

export function audienceOf(policy: CompiledPolicy, users: Iterable<KnownUser>, type: AudienceSubject, fields: Readonly<Record<string, unknown>>): Audience {
  const readers: AudienceMember[] = [];
  let excluded = 0;
  // Unless a read rule tests the person ($user.id, $user.groups), people with the same groups
  // and roles are decided alike: decide once per such kind of person, not once per person
  // (and build one CASL ability per kind rather than one per person).
  const perPerson = readDependsOnPerson(policy, type);
  const decided = new Map<string, ReturnType<typeof decide>>();
  for (const user of users) {
    const principal = policy.principal(user);
    const kind = perPerson ? `\u0002${user.id}` : `${principal.groups.join('\u0000')}\u0001${principal.roles.join('\u0000')}`;
    let decision = decided.get(kind);
    if (!decision) decided.set(kind, (decision = decide(policy, principal, 'read', type, fields)));
    if (decision.allowed) readers.push({ id: user.id, name: user.name, via: decision.rule!.summary });
    else excluded += 1;
  }
  return { readers: readers.sort((a, b) => a.id.localeCompare(b.id)), excluded };
}

/** Does a rule about reading `type` name the person asking? */
function readDependsOnPerson(policy: CompiledPolicy, type: AudienceSubject): boolean {
  const personal = (value: unknown): boolean => value === '$user.id' || value === '$user.groups' || (Array.isArray(value) && value.some(personal));
  return policy.set.rules.some((rule) => rule.subject === type && rule.actions.includes('read') && rule.when !== undefined && Object.values(rule.when).some((c) => personal(c.value)));
}

/** A space's audience, from its id: the fields come from the policy itself. */
export function spaceAudience(policy: CompiledPolicy, users: Iterable<KnownUser>, spaceId: string): Audience | undefined {
  const space = policy.set.spaces.get(spaceId);
  if (!space) return undefined;
  return audienceOf(policy, users, 'Space', { spaceId, classification: space.classification });
}

/**
 * The fields a read decision on `type` can depend on under this policy: the space (space
 * grants and the confidentiality guard test it) and whatever a rule about reading it tests.
 * Two records that agree on these have the same audience, so it need be worked out once.
 */
export function readRelevantFields(policy: CompiledPolicy, type: AudienceSubject): readonly string[] {
  const fields = new Set<string>(['spaceId']);
  for (const rule of policy.set.rules) {
    if (rule.subject === type && rule.actions.includes('read') && rule.when) for (const f of Object.keys(rule.when)) fields.add(f);
  }
  return [...fields].sort();
}
