// What a privileged read is, for every kind of content: the decision (ordinary read, privileged
// read by a named rule, or nothing — which answers 404 like a missing thing), and its record.
// The record is one PrivilegedContentRead event in a stream of its own (`privileged-read:<id>`):
// its clear data says what was read, whose content it showed, and which rule allowed it; the
// stated reason is personal content (it may name the person under investigation), sealed under
// that stream's own key, so it can be shredded without touching the content it concerns, and
// audit exports open it for those who may export the audit trail.
import crypto from 'node:crypto';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import type { JsonObject } from '../events/types.js';
import { sourceOf, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import type { Caller, CommandDeps } from '../posts/commands.js';
import { record } from '../posts/record.js';

export const PRIVILEGED_READ_EVENT = 'PrivilegedContentRead';

/** The rule that allowed a privileged read, as the event records it. */
export interface PrivilegedGrant {
  /** The deciding rule: its file in the policy folder, its line, and what it says. */
  readonly rule: { readonly file: string; readonly line: number; readonly summary: string };
  /** The reader's roles (or directory groups) through which the rule applied: what the notice shows. */
  readonly via: readonly string[];
}

/**
 * How the caller may see `subject`: 'ordinary' when they may read it anyway (nothing privileged
 * happens), the grant when only `inspect` allows it, NotFoundError when neither does.
 */
export function privilegedAccess(ability: AppAbility, subject: unknown): 'ordinary' | PrivilegedGrant {
  if (ability.can('read', subject as never)) return 'ordinary';
  const rule = ability.relevantRuleFor('inspect', subject as never);
  if (!rule || rule.inverted) throw new NotFoundError();
  const source = sourceOf(rule);
  // Only an allow rule from a file grants inspect (no space list or built-in does), so it has a location.
  if (!source.at) throw new Error('an inspect grant without a rule location');
  // The file's name within the policy folder (which is flat): the same on every server, whatever its folder is called.
  return { rule: { file: path.basename(source.at.file), line: source.at.line, summary: source.summary }, via: source.via ?? [] };
}

/** Appends the PrivilegedContentRead event before the content leaves; its id names the read. */
export async function recordPrivilegedRead(deps: CommandDeps, caller: Caller, policy: CompiledPolicy, grant: PrivilegedGrant, facts: JsonObject, reason: string): Promise<string> {
  const accessId = crypto.randomUUID();
  const data: JsonObject = { accessId, ...facts, rule: { ...grant.rule }, via: [...grant.via] };
  await record(deps, caller, policy, `privileged-read:${accessId}`, [{ type: PRIVILEGED_READ_EVENT, data, personal: { reason } }], 0);
  return accessId;
}
