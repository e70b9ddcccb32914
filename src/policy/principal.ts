// Identity claims → principal: who someone is, in which directory groups (named the way the
// policy files name them), and which roles that gives them.
import type { ClaimNames, GroupDirectory, PolicySet } from './model.js';

export interface Principal {
  readonly id: string;
  readonly name: string | undefined;
  readonly email: string | undefined;
  /** Normalized, sorted, without duplicates. */
  readonly groups: readonly string[];
  readonly roles: readonly string[];
}

const DN_FIRST_CN = /^\s*CN\s*=\s*((?:\\.|[^,\\])+)/i;

/** RFC 4514 escapes: `\,` for a special character, `\2C` (hex, UTF-8 bytes) for any. */
function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '\\' ? /^[0-9a-fA-F]{2}/.exec(value.slice(i + 1)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else if (value[i] === '\\' && i + 1 < value.length) {
      bytes.push(...Buffer.from(value[++i]!, 'utf8'));
    } else {
      bytes.push(...Buffer.from(value[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One group as the identity provider sent it → the name the policy files use. */
export function normalizeGroup(raw: string, directory: GroupDirectory, spelling: ReadonlyMap<string, string>): string {
  const alias = (g: string) => directory.aliases.get(g.toLowerCase());
  let name = alias(raw) ?? raw.trim();
  const cn = DN_FIRST_CN.exec(name);
  if (cn) name = unescapeDnValue(cn[1]!).trim(); // LDAP DN: the group's own CN
  else if (name.startsWith('/')) name = name.split('/').filter(Boolean).at(-1) ?? name; // Keycloak path
  name = alias(name) ?? name;
  // Directory group names compare case-insensitively, like the file-share ACLs they mirror.
  return spelling.get(name.toLowerCase()) ?? name;
}

/** Every group name the set mentions, lower-cased → the spelling the files use. */
export function groupSpellings(set: Pick<PolicySet, 'directory' | 'roles' | 'spaces' | 'rules'>): Map<string, string> {
  const names = [
    ...(set.directory.known ?? []),
    ...set.directory.aliases.values(),
    ...[...set.roles.values()].flatMap((r) => r.groups),
    ...[...set.spaces.values()].flatMap((s) => [s.read, s.post, s.moderate].flatMap((l) => l?.groups ?? [])),
    ...set.rules.flatMap((r) => r.groups),
  ];
  const map = new Map<string, string>();
  for (const n of names) if (!map.has(n.toLowerCase())) map.set(n.toLowerCase(), n);
  return map;
}

export function normalizeGroups(raw: readonly string[], set: PolicySet, spelling = groupSpellings(set)): string[] {
  return [...new Set(raw.map((g) => normalizeGroup(g, set.directory, spelling)))].sort();
}

/** The roles someone with this id and these normalized groups holds. */
export function rolesOf(set: PolicySet, id: string, groups: readonly string[]): string[] {
  const have = new Set(groups.map((g) => g.toLowerCase()));
  return [...set.roles.values()]
    .filter((r) => r.everyone || r.users.includes(id) || r.groups.some((g) => have.has(g.toLowerCase())))
    .map((r) => r.name)
    .sort();
}

export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), claims);
}

/** The identity an ID token or userinfo describes, through the set's claim names. */
export function identityFromClaims(names: ClaimNames, claims: Record<string, unknown>): { id: string; groups: string[]; name?: string; email?: string } {
  const id = claimAt(claims, names.subject);
  if (typeof id !== 'string' || id === '') throw new Error(`the identity claims have no "${names.subject}" (the subject claim named in the policy)`);
  const rawGroups = claimAt(claims, names.groups);
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : typeof rawGroups === 'string' ? [rawGroups] : [];
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { id, groups, name: text(claimAt(claims, names.name)), email: text(claimAt(claims, names.email)) };
}
