// What changes for whom between two policy sets: for every role and every directory group,
// the access it gains and loses; then the changes to limits, retention and the guideline.
// The admin reads this before deploying, and activation events carry it.
import { createHash } from 'node:crypto';
import { SPACE_CONTENT } from './catalogue.js';
import { describeRule, isClosedTo } from './compile.js';
import type { AccessList, PolicySet, Rule } from './model.js';
import { rolesOf } from './principal.js';

export interface DiffSection {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface PolicyDiff {
  readonly from: string;
  readonly to: string;
  readonly sections: readonly DiffSection[];
  readonly gains: number;
  readonly losses: number;
}

interface Holder {
  readonly roles: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

/**
 * Each line one capability, in words: "read in space sales", "allow export Post …". A
 * classification change is not a capability (it is listed under "spaces"), but its effect is:
 * the confidentiality guard closes a confidential space's content to everyone off its read list,
 * whatever the allow rules say, so for a holder with allow rules on space content each space
 * those rules can still reach is a capability of its own.
 */
function capabilities(set: PolicySet, who: Holder): Set<string> {
  const on = (list: AccessList | undefined) => list !== undefined && (list.roles.some((r) => who.roles.has(r)) || list.groups.some((g) => who.groups.has(g.toLowerCase())));
  const applies = (r: Rule) => r.roles.some((x) => who.roles.has(x)) || r.groups.some((g) => who.groups.has(g.toLowerCase()));
  const rules = set.rules.filter(applies);
  const rulesOnContent = rules.some((r) => r.effect === 'allow' && SPACE_CONTENT.includes(r.subject));
  const out = new Set<string>();
  for (const space of set.spaces.values()) {
    for (const grant of ['read', 'post', 'moderate'] as const) {
      if (on(space[grant])) out.add(`${grant} in space ${space.id}`);
    }
    if (rulesOnContent && !isClosedTo(space, on)) out.add(`allow rules reach content in space ${space.id}`);
  }
  for (const rule of rules) {
    for (const action of rule.actions) {
      out.add(describeRule({ ...rule, actions: [action] }, { withWho: false }));
    }
  }
  return out;
}

function groupNames(set: PolicySet): string[] {
  const names = new Map<string, string>();
  const add = (g: string) => names.has(g.toLowerCase()) || names.set(g.toLowerCase(), g);
  (set.directory.known ?? []).forEach(add);
  for (const r of set.roles.values()) r.groups.forEach(add);
  for (const s of set.spaces.values()) [s.read, s.post, s.moderate].forEach((l) => l?.groups.forEach(add));
  set.rules.forEach((r) => r.groups.forEach(add));
  return [...names.values()];
}

function compare(title: string, before: Set<string>, after: Set<string>): DiffSection | undefined {
  const lines = [...[...after].filter((c) => !before.has(c)).map((c) => `+ ${c}`), ...[...before].filter((c) => !after.has(c)).map((c) => `- ${c}`)];
  return lines.length > 0 ? { title, lines: lines.sort((x, y) => x.slice(2).localeCompare(y.slice(2)) || x.localeCompare(y)) } : undefined;
}

function valueChanges(title: string, before: unknown, after: unknown): DiffSection | undefined {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const lines = keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
  return lines.length > 0 ? { title, lines } : undefined;
}

function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix, Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

export function diffPolicies(a: PolicySet, b: PolicySet): PolicyDiff {
  const sections: DiffSection[] = [];
  const roleNames = [...new Set([...a.roles.keys(), ...b.roles.keys()])].sort();
  for (const role of roleNames) {
    const holder: Holder = { roles: new Set([role]), groups: new Set() };
    const s = compare(`role ${role}${!a.roles.has(role) ? ' (new)' : !b.roles.has(role) ? ' (removed)' : ''}`, capabilities(a, holder), capabilities(b, holder));
    if (s) sections.push(s);
  }
  const groups = new Map<string, string>();
  for (const g of [...groupNames(a), ...groupNames(b)]) if (!groups.has(g.toLowerCase())) groups.set(g.toLowerCase(), g);
  for (const group of [...groups.values()].sort((x, y) => x.localeCompare(y))) {
    // A member of only this group: what the everyone-roles and this group's roles give them.
    const holderIn = (set: PolicySet): Holder => ({ roles: new Set(rolesOf(set, '', [group])), groups: new Set([group.toLowerCase()]) });
    const roles = (set: PolicySet) => new Set(rolesOf(set, '', [group]).map((r) => `member of role ${r}`));
    const before = new Set([...capabilities(a, holderIn(a)), ...roles(a)]);
    const after = new Set([...capabilities(b, holderIn(b)), ...roles(b)]);
    const s = compare(`group ${group}`, before, after);
    if (s) sections.push(s);
  }
  const spaces = (set: PolicySet) => Object.fromEntries([...set.spaces.values()].map((s) => [s.id, { title: s.title, classification: s.classification }]));
  const retention = (set: PolicySet) => Object.fromEntries(set.retention.map((r) => [`${r.subject}${r.space ? ` in ${r.space}` : ''}${r.classification ? ` (${r.classification})` : ''}`, r.keep]));
  const guideline = (set: PolicySet) => (set.guideline ? { version: set.guideline.version, title: set.guideline.title, text: `sha256 ${createHash('sha256').update(set.guideline.text).digest('hex').slice(0, 12)}` } : undefined);
  for (const s of [
    valueChanges('spaces', spaces(a), spaces(b)),
    valueChanges('claims', a.claims, b.claims),
    valueChanges('limits', a.limits, b.limits),
    valueChanges('retention', retention(a), retention(b)),
    valueChanges('guideline', guideline(a), guideline(b)),
  ]) {
    if (s) sections.push(s);
  }
  const count = (sign: string) => sections.reduce((n, s) => n + s.lines.filter((l) => l.startsWith(sign)).length, 0);
  return { from: a.version, to: b.version, sections, gains: count('+ '), losses: count('- ') };
}

export function formatDiff(d: PolicyDiff): string {
  const head = `policy ${d.from.slice(0, 12)} → ${d.to.slice(0, 12)}: ${d.gains} gained, ${d.losses} lost`;
  if (d.sections.length === 0) return `${head}\nno differences in access, limits, retention or guideline`;
  return [head, ...d.sections.flatMap((s) => [s.title, ...s.lines.map((l) => `  ${l}`)])].join('\n');
}
