// A refusal by the policy as an error that carries its facts: the reason people are shown (the
// deny rule's `because`, or the caller's fallback) and, for the audit trail, the action, the
// kind of thing, which one, and the rule that refused. Commands throw it where `can` says no;
// the HTTP layer records it as PermissionDenied (audit/denial-audit.ts).
import { ForbiddenError, type Denial } from '../errors.js';
import { sourceOf, type AppAbility } from './compile.js';

/**
 * `subject` is a tagged subject (asSubject) or a subject type; `subjectId` names the thing
 * when it exists and the caller may see it (a post, a space, a conversation, a person).
 */
export function refusal(ability: AppAbility, action: string, subject: unknown, fallback: string, subjectId?: string): ForbiddenError {
  const rule = ability.relevantRuleFor(action, subject as never);
  // An allow rule that matched means the refusal came from the command, not from a rule.
  const deny = rule?.inverted ? rule : undefined;
  const source = deny ? sourceOf(deny) : undefined;
  const fields = typeof subject === 'object' && subject !== null ? (subject as Record<string, unknown>) : {};
  const denial: Denial = {
    action,
    subjectType: typeof subject === 'string' ? subject : String(ability.detectSubjectType(subject as never)),
    ...(subjectId === undefined ? {} : { subjectId }),
    ...(typeof fields.spaceId === 'string' ? { spaceId: fields.spaceId } : {}),
    rule: source ? { summary: source.summary, ...(source.at ? { file: source.at.file, line: source.at.line } : {}) } : null,
  };
  return new ForbiddenError(deny?.reason ?? fallback, denial);
}
