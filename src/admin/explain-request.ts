// The explain form's question — who (a known person, or groups and roles as given), which
// action, on what — answered by the active set with the deciding rule, its file and line,
// and the reason: the same decide() the CLI's `policy explain` prints.
import { ValidationError } from '../errors.js';
import { actionsOf, fieldsOf, isSubjectType, SUBJECT_TYPES, type SubjectType } from '../policy/catalogue.js';
import { decide, formatDecision } from '../policy/explain.js';
import type { Principal } from '../policy/principal.js';
import type { Caller } from '../posts/commands.js';
import { policyFor, type AdminDeps } from './policy-access.js';
import { ruleAt, type RuleView } from './rule-view.js';

/** Stands for "someone" when the question names groups or roles but no person. */
export const HYPOTHETICAL = '(hypothetical)';
const MAX_LIST = 50;
const MAX_TEXT = 200;

export interface Explanation {
  readonly version: string;
  readonly principal: { readonly id: string; readonly name: string | null; readonly known: boolean; readonly groups: readonly string[]; readonly roles: readonly string[] };
  readonly action: string;
  readonly subject: SubjectType;
  readonly fields: Readonly<Record<string, string | readonly string[]>>;
  readonly decision: 'allow' | 'deny';
  readonly rule: RuleView | null;
  readonly reason: string | null;
  /** The CLI's wording of the same answer. */
  readonly text: string;
}

interface Question {
  readonly person: string | undefined;
  readonly groups: readonly string[] | undefined;
  readonly roles: readonly string[] | undefined;
  readonly action: string;
  readonly subject: SubjectType;
  readonly fields: Record<string, string | string[]>;
}

const isText = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= max;
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => isText(x));

/** The body as a question, or ValidationError naming what is wrong. */
export function parseQuestion(body: unknown): Question {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('explain: send a JSON object with "action", "subject" and "person" or "groups"/"roles"');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['person', 'groups', 'roles', 'action', 'subject', 'fields'].includes(k));
  if (unknown.length > 0) throw new ValidationError(`explain: unknown field ${unknown.join(', ')}`);
  if (b.person !== undefined && !isText(b.person)) throw new ValidationError('explain: "person" must be a person’s id (1–200 characters)');
  if (b.groups !== undefined && !isTextList(b.groups)) throw new ValidationError(`explain: "groups" must be a list of up to ${MAX_LIST} group names`);
  if (b.roles !== undefined && !isTextList(b.roles)) throw new ValidationError(`explain: "roles" must be a list of up to ${MAX_LIST} role names`);
  if (b.person === undefined && b.groups === undefined && b.roles === undefined) throw new ValidationError('explain: name a "person", or give "groups" or "roles"');
  if (typeof b.subject !== 'string' || !isSubjectType(b.subject)) throw new ValidationError(`explain: "subject" must be one of ${SUBJECT_TYPES.join(', ')}`);
  const subject = b.subject;
  if (typeof b.action !== 'string' || !actionsOf(subject).includes(b.action)) throw new ValidationError(`explain: ${subject} has the actions ${actionsOf(subject).join(', ')}`);
  const fields: Record<string, string | string[]> = {};
  if (b.fields !== undefined) {
    if (typeof b.fields !== 'object' || b.fields === null || Array.isArray(b.fields)) throw new ValidationError('explain: "fields" must be an object of field → value');
    for (const [name, value] of Object.entries(b.fields as Record<string, unknown>)) {
      const kind = fieldsOf(subject)[name];
      if (!kind) throw new ValidationError(`explain: ${subject} has no field "${name}"; its fields are ${Object.keys(fieldsOf(subject)).join(', ') || 'none'}`);
      if (kind === 'list' ? !isTextList(value) : !isText(value)) throw new ValidationError(`explain: field "${name}" must be ${kind === 'list' ? 'a list of texts' : 'a text'}`);
      fields[name] = value as string | string[];
    }
  }
  return { person: b.person, groups: b.groups, roles: b.roles, action: b.action, subject, fields };
}

export async function explain(deps: AdminDeps, caller: Caller, body: unknown): Promise<Explanation> {
  const policy = policyFor(deps, caller, 'explain');
  const q = parseQuestion(body);
  const unknownRoles = (q.roles ?? []).filter((r) => !policy.set.roles.has(r));
  if (unknownRoles.length > 0) throw new ValidationError(`explain: the active policy has no role ${unknownRoles.join(', ')}; its roles are ${[...policy.set.roles.keys()].join(', ')}`);
  const known = q.person === undefined ? undefined : await deps.knex<{ id: string; name: string | null; groups: string[] }>('users').where({ id: q.person }).first();
  if (q.person !== undefined && !known && q.groups === undefined && q.roles === undefined) {
    throw new ValidationError(`explain: nobody with the id "${q.person}" has signed in yet; give their "groups" (as the identity provider sends them) to ask about them`);
  }
  const base = policy.principal({ id: q.person ?? HYPOTHETICAL, groups: q.groups ?? known?.groups ?? [], name: known?.name ?? undefined });
  const principal: Principal = { ...base, roles: [...new Set([...base.roles, ...(q.roles ?? [])])].sort() };
  const d = decide(policy, principal, q.action, q.subject, q.fields);
  return {
    version: policy.version,
    principal: { id: principal.id, name: known?.name ?? null, known: known !== undefined, groups: principal.groups, roles: principal.roles },
    action: q.action,
    subject: q.subject,
    fields: q.fields,
    decision: d.allowed ? 'allow' : 'deny',
    rule: ruleAt(d),
    reason: d.reason ?? null,
    text: formatDecision(d, principal, q.action, q.subject),
  };
}
