// Turns the texts of a policy folder into a checked, versioned PolicySet, or into the list of
// located problems that stop it. Pure: the same texts give the same set, wherever they come
// from (the folder, or an activation event written by another process).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { actionsOf, CLASSIFICATIONS, fieldsOf, MANAGE, ordinaryActionsOf, type Classification, type SubjectType } from './catalogue.js';
import { checkPolicySet, literalValues } from './cross-checks.js';
import { DEFAULT_CLAIMS, DEFAULT_LIMITS, type AccessList, type ClaimNames, type Condition, type Guideline, type Limits, type PolicySet, type RetentionRule, type Role, type Rule, type Space } from './model.js';
import { schemaProblems, validatePolicyFile } from './schema-errors.js';
import { YamlSource, type Location, type PolicyProblem } from './yaml-source.js';

export type BuildResult = { readonly ok: true; readonly set: PolicySet } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument -- raw values were just checked against the schema */
type Raw = Record<string, any>;

const SINGLE_SECTIONS = ['claims', 'groups', 'limits', 'guideline'] as const;

export function isPolicyFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** `files`: names relative to the policy folder → text; `prefix` is put before names in messages. */
export function buildPolicySet(files: Readonly<Record<string, string>>, prefix = ''): BuildResult {
  const problems: PolicyProblem[] = [];
  const parsed: { name: string; source: YamlSource; value: Raw }[] = [];
  const names = Object.keys(files).sort();
  // Names defined in parts that failed to parse or validate: other files may refer to them,
  // and "unknown role" on top of the real problem would send the admin the wrong way.
  const unchecked = { roles: new Set<string>(), spaces: new Set<string>() };
  const remember = (value: unknown) => {
    const v = value as Raw | undefined;
    if (v === null || typeof v !== 'object') return;
    if (v.roles && typeof v.roles === 'object') Object.keys(v.roles).forEach((n) => unchecked.roles.add(n));
    if (v.spaces && typeof v.spaces === 'object') Object.keys(v.spaces).forEach((n) => unchecked.spaces.add(n));
  };
  for (const name of names.filter(isPolicyFileName)) {
    const result = YamlSource.parse(prefix + name, files[name]!);
    if ('problems' in result) {
      problems.push(...result.problems);
      remember(result.partial);
      continue;
    }
    if (result.value === null || result.value === undefined) continue; // an empty file, e.g. all comments
    const fileProblems = schemaProblems(validatePolicyFile, result.value, result.source);
    problems.push(...fileProblems);
    // Keep checking the parts without problems, so one run reports everything it can.
    const value = withoutBroken(result.value, fileProblems.map((p) => p.path), remember);
    if (value) parsed.push({ name, source: result.source, value });
  }
  if (parsed.length === 0 && problems.length === 0) return { ok: false, problems: [{ file: prefix || '.', line: 1, column: 1, message: 'no policy files (*.yaml) found' }] };

  const single = new Map<string, { value: Raw; at: Location }>();
  for (const { source, value } of parsed) {
    for (const section of SINGLE_SECTIONS) {
      if (value[section] === undefined) continue;
      const at = source.locate([], section);
      const earlier = single.get(section);
      if (earlier) problems.push({ ...at, message: `"${section}" is already defined at ${earlier.at.file}:${earlier.at.line}; define it in one file only` });
      else single.set(section, { value: value[section], at });
    }
  }

  const roles = new Map<string, Role>();
  const spaces = new Map<string, Space>();
  const rules: Rule[] = [];
  const retention: RetentionRule[] = [];
  for (const { source, value } of parsed) {
    for (const [name, raw] of Object.entries<Raw>(value.roles ?? {})) {
      const at = source.locate(['roles'], name);
      const earlier = roles.get(name);
      if (earlier) {
        problems.push({ ...at, message: `role "${name}" is already defined at ${earlier.at.file}:${earlier.at.line}` });
        continue;
      }
      const members = raw.members as 'everyone' | Raw;
      roles.set(name, {
        name,
        description: raw.description,
        everyone: members === 'everyone',
        groups: members === 'everyone' ? [] : (members.groups ?? []),
        users: members === 'everyone' ? [] : (members.users ?? []),
        at,
      });
    }
    for (const [id, raw] of Object.entries<Raw>(value.spaces ?? {})) {
      const at = source.locate(['spaces'], id);
      const earlier = spaces.get(id);
      if (earlier) {
        problems.push({ ...at, message: `space "${id}" is already defined at ${earlier.at.file}:${earlier.at.line}` });
        continue;
      }
      const access = (key: string): AccessList | undefined =>
        raw[key] === undefined ? undefined : { roles: raw[key].roles ?? [], groups: raw[key].groups ?? [], at: source.locate(['spaces', id, key]) };
      spaces.set(id, {
        id,
        title: raw.title,
        description: raw.description,
        classification: raw.classification as Classification,
        read: access('read')!,
        post: access('post'),
        moderate: access('moderate'),
        at,
      });
    }
    (value.rules as (Raw | undefined)[] | undefined ?? []).forEach((raw: Raw | undefined, i: number) => {
      if (!raw) return;
      const rule = toRule(raw, source.locate(['rules', i]), problems);
      if (rule) rules.push(rule);
    });
    (value.retention as (Raw | undefined)[] | undefined ?? []).forEach((raw: Raw | undefined, i: number) => {
      if (!raw) return;
      retention.push({ subject: raw.subject, space: raw.space, classification: raw.classification, keep: raw.keep, because: raw.because, at: source.locate(['retention', i]) });
    });
  }

  const claims: ClaimNames = { ...DEFAULT_CLAIMS, ...(single.get('claims')?.value ?? {}) };
  const groupsRaw = single.get('groups')?.value ?? {};
  const aliases = new Map<string, string>(Object.entries<string>(groupsRaw.aliases ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const directory = { known: groupsRaw.known as string[] | undefined, aliases };
  const given = single.get('limits')?.value as Omit<Limits, 'exports'> & Partial<Pick<Limits, 'exports'>> | undefined;
  const limits: Limits = given ? { ...given, exports: given.exports ?? DEFAULT_LIMITS.exports } : DEFAULT_LIMITS;
  let guideline: Guideline | undefined;
  const g = single.get('guideline');
  if (g) {
    const text = files[g.value.file as string];
    if (text === undefined) problems.push({ ...g.at, message: `guideline.file: ${g.value.file} does not exist in the policy folder` });
    else guideline = { version: g.value.version, title: g.value.title, file: g.value.file, text };
  }

  const warnings: string[] = [];
  problems.push(...checkPolicySet({ roles, spaces, rules, retention, directory }, warnings, unchecked));
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column) };

  const canonicalContent = { documents: Object.fromEntries(parsed.map((p) => [p.name, p.value])), guideline: guideline?.text ?? null };
  const version = createHash('sha256').update(canonicalize(canonicalContent)!).digest('hex');
  return { ok: true, set: { version, files: { ...files }, claims, directory, roles, spaces, rules, limits, retention, guideline, warnings } };
}

/** The file's value without the items (a role, a space, a rule) or sections that have problems. */
function withoutBroken(value: Raw, paths: readonly (readonly (string | number)[])[], remember: (v: unknown) => void): Raw | undefined {
  if (paths.length === 0) return value;
  if (paths.some((p) => p.length === 0) || typeof value !== 'object' || Array.isArray(value)) {
    remember(value);
    return undefined;
  }
  const copy: Raw = { ...value };
  for (const [section, item] of paths) {
    const key = String(section);
    if (copy[key] === undefined) continue;
    if (item === undefined || (SINGLE_SECTIONS as readonly string[]).includes(key)) {
      remember({ [key]: value[key] });
      delete copy[key];
    } else if (Array.isArray(copy[key])) {
      copy[key] = (copy[key] as unknown[]).map((x, i) => (i === item ? undefined : x));
    } else {
      remember({ [key]: { [item]: true } });
      copy[key] = { ...copy[key] };
      delete copy[key][item];
    }
  }
  return copy; // dropped list items stay as holes, so later items keep their positions
}

function asList(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? (value as string[]) : [value as string];
}

function toRule(raw: Raw, at: Location, problems: PolicyProblem[]): Rule | undefined {
  const subject = raw.subject as SubjectType;
  const problem = (message: string) => problems.push({ ...at, message: `rule for ${subject}: ${message}` });
  if ((raw.allow === undefined) === (raw.deny === undefined)) {
    problem('needs exactly one of "allow" or "deny"');
    return undefined;
  }
  if (raw.role === undefined && raw.group === undefined) {
    problem('needs "role" or "group" (who the rule is for)');
    return undefined;
  }
  const effect = raw.allow !== undefined ? 'allow' : 'deny';
  if (effect === 'deny' && raw.because === undefined) problem('a deny rule needs "because": the reason people are shown');
  const valid = actionsOf(subject);
  const actions: string[] = [];
  for (const a of asList(raw[effect])) {
    if (a === MANAGE) actions.push(...ordinaryActionsOf(subject)); // never a privileged action: those are named
    else if (valid.includes(a)) actions.push(a);
    else problem(`${subject} has no action "${a}"; its actions are ${valid.join(', ')} (or manage for all)`);
  }
  let when: Record<string, Condition> | undefined;
  if (raw.when !== undefined) {
    when = {};
    const fields = fieldsOf(subject);
    for (const [field, value] of Object.entries<unknown>(raw.when)) {
      if (!Object.hasOwn(fields, field)) {
        problem(`${subject} has no field "${field}" to test; its fields are ${Object.keys(fields).join(', ') || 'none'}`);
        continue;
      }
      const condition = toCondition(value);
      if (typeof condition === 'string') {
        problem(`when.${field}: ${condition}`);
        continue;
      }
      // A misspelt value would make a deny never match: classifications are a closed list.
      const bad = field === 'classification' ? literalValues(condition).filter((v) => !(CLASSIFICATIONS as readonly string[]).includes(v)) : [];
      if (bad.length > 0) problem(`when.classification: ${bad.join(', ')} is not a classification; expected one of ${CLASSIFICATIONS.join(', ')}`);
      else when[field] = condition;
    }
  }
  return { effect, actions: [...new Set(actions)], subject, roles: asList(raw.role), groups: asList(raw.group), when, because: raw.because, at };
}

function toCondition(value: unknown): Condition | string {
  const userRef = (v: unknown) => typeof v === 'string' && v.startsWith('$');
  if (typeof value === 'object' && value !== null) {
    const [op, operand] = Object.entries(value)[0]!;
    if (op === 'not') {
      if (userRef(operand) && operand !== '$user.id') return `${String(operand)} is not a single value; use $user.id, or noneOf with $user.groups`;
      return { op: 'ne', value: operand as string };
    }
    if (Array.isArray(operand) && operand.some(userRef)) return 'a list cannot contain $user references; use $user.groups on its own';
    return { op: op === 'oneOf' ? 'in' : 'nin', value: operand as readonly string[] | '$user.groups' };
  }
  if (userRef(value) && value !== '$user.id') {
    return value === '$user.groups' ? '$user.groups is a list: use { oneOf: $user.groups }' : `unknown reference ${String(value)}; use $user.id or $user.groups`;
  }
  return { op: 'eq', value: value as string };
}
