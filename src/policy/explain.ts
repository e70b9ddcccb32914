// Why a principal may or may not do something: the deciding rule with its file and line, or
// that no rule allowed it (the default is deny).
import type { SubjectType } from './catalogue.js';
import { asSubject, sourceOf, type CompiledPolicy } from './compile.js';
import type { Principal } from './principal.js';
import type { Location } from './yaml-source.js';

export interface Decision {
  readonly allowed: boolean;
  /** The rule that decided; undefined when nothing allowed it. */
  readonly rule: { readonly at: Location | undefined; readonly summary: string } | undefined;
  /** For a denial: the reason to show (the rule's `because`, or the default). */
  readonly reason: string | undefined;
}

export const NOTHING_ALLOWS = 'no rule allows it';

export function decide(policy: CompiledPolicy, principal: Principal, action: string, type: SubjectType, fields: Readonly<Record<string, unknown>>): Decision {
  const ability = policy.abilityFor(principal);
  const rule = ability.relevantRuleFor(action, asSubject(type, fields) as never);
  if (!rule) return { allowed: false, rule: undefined, reason: NOTHING_ALLOWS };
  const source = sourceOf(rule);
  return { allowed: !rule.inverted, rule: source, reason: rule.inverted ? (rule.reason ?? NOTHING_ALLOWS) : undefined };
}

export function formatDecision(d: Decision, principal: Principal, action: string, type: SubjectType): string {
  const where = d.rule?.at ? `decided by ${d.rule.at.file}:${d.rule.at.line}` : 'decided by the';
  const head = `${d.allowed ? 'ALLOW' : 'DENY'} ${action} ${type} for ${principal.id} (groups: ${principal.groups.join(', ') || 'none'}; roles: ${principal.roles.join(', ') || 'none'})`;
  if (!d.rule) return `${head}\n  no rule allows it (the default is deny)`;
  return `${head}\n  ${where}${d.rule.at ? ':' : ''} ${d.rule.summary}${d.reason ? `\n  reason: ${d.reason}` : ''}`;
}
