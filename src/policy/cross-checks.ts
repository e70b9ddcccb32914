// Checks across files that a schema cannot express: names that refer to nothing, roles no one
// can hold, rules that duplicate or contradict each other, posters who could not read. The
// retention rules have their own file (retention-checks.ts).
import canonicalize from 'canonicalize';
import type { AccessList, Condition, GroupDirectory, RetentionRule, Role, Rule, Space } from './model.js';
import { checkRetention } from './retention-checks.js';
import { didYouMean } from './suggest.js';
import type { PolicyProblem } from './yaml-source.js';

interface Parts {
  readonly roles: ReadonlyMap<string, Role>;
  readonly spaces: ReadonlyMap<string, Space>;
  readonly rules: readonly Rule[];
  readonly retention: readonly RetentionRule[];
  readonly directory: GroupDirectory;
}

/** `unchecked`: names defined in parts that already have problems; references to them pass. */
export function checkPolicySet(parts: Parts, warnings: string[], unchecked: { roles: ReadonlySet<string>; spaces: ReadonlySet<string> }): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const { roles, spaces, rules, retention, directory } = parts;
  const known = directory.known ? new Set(directory.known.map((g) => g.toLowerCase())) : undefined;
  const unknownGroup = (g: string) => known !== undefined && !known.has(g.toLowerCase());
  const knownHint = (g?: string) => `not in groups.known${g === undefined ? '' : didYouMean(g, directory.known!)}; known groups: ${directory.known!.join(', ')}`;

  for (const [id, target] of directory.aliases) {
    if (unknownGroup(target)) warnings.push(`groups.aliases: ${id} maps to ${target}, which is not in groups.known`);
  }

  for (const role of roles.values()) {
    if (role.everyone) continue;
    const bad = role.groups.filter(unknownGroup);
    if (bad.length > 0 && bad.length === role.groups.length && role.users.length === 0) {
      problems.push({ ...role.at, message: `role "${role.name}" can never be held: its groups ${bad.join(', ')} are ${knownHint()}` });
    } else {
      for (const g of bad) problems.push({ ...role.at, message: `role "${role.name}": group ${g} is ${knownHint(g)}` });
    }
  }

  const checkAccess = (what: string, list: AccessList) => {
    for (const r of list.roles) if (!roles.has(r) && !unchecked.roles.has(r)) problems.push({ ...list.at, message: `${what}: unknown role "${r}"${didYouMean(r, roles.keys())}; defined roles: ${[...roles.keys()].join(', ') || 'none'}` });
    for (const g of list.groups) if (unknownGroup(g)) problems.push({ ...list.at, message: `${what}: group ${g} is ${knownHint(g)}` });
  };
  for (const space of spaces.values()) {
    checkAccess(`space ${space.id} read`, space.read);
    for (const key of ['post', 'moderate'] as const) {
      const list = space[key];
      if (!list) continue;
      checkAccess(`space ${space.id} ${key}`, list);
      // Posting or moderating implies reading; say so instead of silently widening the read list.
      const readRoles = new Set(space.read.roles);
      const readGroups = new Set(space.read.groups.map((g) => g.toLowerCase()));
      const everyoneReads = space.read.roles.some((r) => roles.get(r)?.everyone);
      if (everyoneReads) continue;
      for (const r of list.roles) if (!readRoles.has(r)) problems.push({ ...list.at, message: `space ${space.id}: role "${r}" may ${key} but is not in the read list; add it to read` });
      for (const g of list.groups) if (!readGroups.has(g.toLowerCase())) problems.push({ ...list.at, message: `space ${space.id}: group ${g} may ${key} but is not in the read list; add it to read` });
    }
  }

  const seen = new Map<string, Rule>();
  for (const rule of rules) {
    for (const r of rule.roles) if (!roles.has(r) && !unchecked.roles.has(r)) problems.push({ ...rule.at, message: `rule for ${rule.subject}: unknown role "${r}"${didYouMean(r, roles.keys())}; defined roles: ${[...roles.keys()].join(', ') || 'none'}` });
    for (const g of rule.groups) if (unknownGroup(g)) problems.push({ ...rule.at, message: `rule for ${rule.subject}: group ${g} is ${knownHint(g)}` });
    // A misspelt space would make a deny never match.
    const named = rule.when?.spaceId ? literalValues(rule.when.spaceId) : [];
    for (const id of named) if (!spaces.has(id) && !unchecked.spaces.has(id)) problems.push({ ...rule.at, message: `rule for ${rule.subject}: when.spaceId names unknown space "${id}"${didYouMean(id, spaces.keys())}` });
    for (const action of rule.actions) {
      for (const who of [...rule.roles.map((r) => `role:${r}`), ...rule.groups.map((g) => `group:${g.toLowerCase()}`)]) {
        const key = canonicalize({ who, action, subject: rule.subject, when: rule.when ?? null })!;
        const earlier = seen.get(key);
        if (!earlier) {
          seen.set(key, rule);
        } else if (earlier !== rule) {
          const verb = earlier.effect === rule.effect ? 'repeats' : 'contradicts';
          problems.push({ ...rule.at, message: `rule for ${rule.subject}: ${verb} the rule at ${earlier.at.file}:${earlier.at.line} (${who.replace(':', ' ')}, ${action}, same conditions)` });
        }
      }
    }
  }

  problems.push(...checkRetention(retention, spaces, unchecked.spaces, warnings));

  const used = new Set<string>([...rules.flatMap((r) => r.roles), ...[...spaces.values()].flatMap((s) => [s.read, s.post, s.moderate].flatMap((l) => l?.roles ?? []))]);
  for (const role of roles.values()) if (!used.has(role.name)) warnings.push(`role "${role.name}" (${role.at.file}:${role.at.line}) is not used by any space or rule`);
  return problems;
}

/** The texts a condition names literally (not $user references). */
export function literalValues(c: Condition): string[] {
  if (typeof c.value === 'string') return c.value.startsWith('$') ? [] : [c.value];
  if (Array.isArray(c.value)) return [...(c.value as readonly string[])];
  return [];
}

