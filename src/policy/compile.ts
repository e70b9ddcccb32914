// Principal → CASL ability. Rules are laid out so that CASL's "the later rule wins" gives the
// documented precedence, lowest first:
//   1. space grants (read / post / moderate lists), one rule per space and action;
//   2. allow rules from rules files;
//   3. deny rules from rules files (a deny beats every allow);
//   4. the confidentiality guard: nothing at all on content of a confidential or secret space
//      whose read list does not include the principal, whatever any rule allows — except the
//      privileged `inspect`, which only a rule naming it grants and which is always recorded.
// Every compiled rule carries its source, so explain can say which line decided.
import { createMongoAbility, subject as tagSubject, type MongoAbility, type MongoQuery, type RawRuleOf } from '@casl/ability';
import { ordinaryActionsOf, SPACE_CONTENT, type SubjectType } from './catalogue.js';
import type { AccessList, Condition, PolicySet, Rule, Space } from './model.js';
import { groupSpellings, normalizeGroups, rolesOf, type Principal } from './principal.js';
import type { Location } from './yaml-source.js';

export type AppAbility = MongoAbility<[string, SubjectType], MongoQuery>;

/** Where a compiled rule came from, in words an admin recognizes. */
export interface RuleSource {
  readonly at: Location | undefined;
  readonly summary: string;
  /** For a rules-file rule: the roles and groups of the principal through which it applies. */
  readonly via?: readonly string[];
}

type CompiledRawRule = RawRuleOf<AppAbility> & { readonly source: RuleSource };

const CONFIDENTIAL = new Set(['confidential', 'secret']);
const CONFIDENTIAL_REASON = 'only the people on the read list of a confidential space may see its content';
const CACHE_LIMIT = 5_000;

/** The content actions a space list grants. */
const SPACE_GRANTS: Record<'read' | 'post' | 'moderate', readonly (readonly [SubjectType, readonly string[]])[]> = {
  read: [
    ['Space', ['read', 'follow']],
    ['Post', ['read', 'react', 'report']],
    ['Comment', ['read']],
    ['Attachment', ['read']],
  ],
  post: [
    ['Post', ['create']],
    ['Comment', ['create']],
    ['Attachment', ['create']],
  ],
  moderate: [
    ['Space', ['moderate']],
    ['Post', ['delete', 'pin', 'readHistory']],
    ['Comment', ['delete', 'markAnswer']],
    ['Attachment', ['delete']],
  ],
};

export class CompiledPolicy {
  private readonly spellings: Map<string, string>;
  private readonly cache = new Map<string, AppAbility>();

  constructor(readonly set: PolicySet) {
    this.spellings = groupSpellings(set);
  }

  get version(): string {
    return this.set.version;
  }

  /** A principal from an id and the groups as the identity provider sent them. */
  principal(user: { id: string; groups: readonly string[]; name?: string; email?: string }): Principal {
    const groups = normalizeGroups(user.groups, this.set, this.spellings);
    return { id: user.id, name: user.name, email: user.email, groups, roles: rolesOf(this.set, user.id, groups) };
  }

  /** The principal's ability, built once per policy version and principal. */
  abilityFor(principal: Principal): AppAbility {
    // Roles are part of the key: a principal worked out under another policy version may
    // carry other roles, and must not leave its ability behind for this one.
    const key = `${principal.id}\u0000${principal.groups.join('\u0000')}\u0001${principal.roles.join('\u0000')}`;
    let ability = this.cache.get(key);
    if (ability) {
      this.cache.delete(key); // re-insert: the Map's order is the LRU order
    } else {
      ability = createMongoAbility<AppAbility>(this.rulesFor(principal));
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(key, ability);
    return ability;
  }

  /** The CASL rules for a principal, lowest precedence first. */
  rulesFor(principal: Principal): CompiledRawRule[] {
    const roles = new Set(principal.roles);
    const groups = new Set(principal.groups.map((g) => g.toLowerCase()));
    const on = (list: AccessList | undefined) => list !== undefined && (list.roles.some((r) => roles.has(r)) || list.groups.some((g) => groups.has(g.toLowerCase())));
    const out: CompiledRawRule[] = [];
    const closed: string[] = [];

    for (const space of this.set.spaces.values()) {
      const readable = on(space.read);
      if (isClosedTo(space, on)) closed.push(space.id);
      for (const [list, grant] of [
        [readable, 'read'],
        [on(space.post), 'post'],
        [on(space.moderate), 'moderate'],
      ] as const) {
        if (!list) continue;
        const at = grant === 'read' ? space.read.at : space[grant]!.at;
        for (const [subjectType, actions] of SPACE_GRANTS[grant]) {
          out.push({ action: [...actions], subject: subjectType, conditions: { spaceId: space.id }, source: { at, summary: `space ${space.id}: ${grant} list` } });
        }
      }
    }
    const applies = (rule: Rule) => rule.roles.some((r) => roles.has(r)) || rule.groups.some((g) => groups.has(g.toLowerCase()));
    for (const effect of ['allow', 'deny'] as const) {
      for (const rule of this.set.rules) {
        if (rule.effect !== effect || !applies(rule)) continue;
        out.push({
          action: [...rule.actions],
          subject: rule.subject,
          conditions: rule.when ? toMongo(rule.when, principal) : undefined,
          inverted: effect === 'deny',
          reason: rule.because,
          source: { at: rule.at, summary: describeRule(rule), via: [...rule.roles.filter((r) => roles.has(r)), ...rule.groups.filter((g) => groups.has(g.toLowerCase()))] },
        });
      }
    }
    if (closed.length > 0) {
      for (const subjectType of SPACE_CONTENT) {
        out.push({
          // Not the privileged actions: an inspect rule exists to reach past the read list.
          action: [...ordinaryActionsOf(subjectType)],
          subject: subjectType,
          conditions: { spaceId: { $in: closed } },
          inverted: true,
          reason: CONFIDENTIAL_REASON,
          source: { at: undefined, summary: 'confidentiality guard (built in): content of a confidential space is closed to everyone outside its read list' },
        });
      }
    }
    return out;
  }
}

/** The confidentiality guard's test: a confidential or secret space whose read list leaves one out. */
export function isClosedTo(space: Space, on: (list: AccessList) => boolean): boolean {
  return CONFIDENTIAL.has(space.classification) && !on(space.read);
}

function resolve(value: unknown, principal: Principal): unknown {
  if (value === '$user.id') return principal.id;
  if (value === '$user.groups') return [...principal.groups];
  return value;
}

function toMongo(when: Readonly<Record<string, Condition>>, principal: Principal): MongoQuery {
  const query: Record<string, unknown> = {};
  for (const [field, c] of Object.entries(when)) {
    const v = resolve(c.value, principal);
    query[field] = c.op === 'eq' ? v : { [`$${c.op}`]: v };
  }
  return query;
}

export function describeRule(rule: Rule, options: { withWho: boolean } = { withWho: true }): string {
  const who = options.withWho ? ` for ${[...rule.roles.map((r) => `role ${r}`), ...rule.groups.map((g) => `group ${g}`)].join(', ')}` : '';
  const when = rule.when
    ? ` when ${Object.entries(rule.when)
        .map(([f, c]) => `${f} ${c.op === 'eq' ? '=' : c.op === 'ne' ? '≠' : c.op === 'in' ? 'one of' : 'none of'} ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : String(c.value)}`)
        .join(' and ')}`
    : '';
  return `${rule.effect} ${rule.actions.join(', ')} ${rule.subject}${who}${when}`;
}

/** A record tagged with its subject type, as CASL must see it; untagged objects match nothing. */
export function asSubject(type: SubjectType, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return tagSubject(type, { ...fields });
}

export function sourceOf(rule: { origin: unknown }): RuleSource {
  return (rule.origin as CompiledRawRule).source;
}
