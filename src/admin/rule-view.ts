// The deciding rule of a decision as the admin pages show it: what it says and where it is.
import type { Decision } from '../policy/explain.js';

export interface RuleView {
  readonly summary: string;
  /** File (relative to the policy folder) and line; null for the built-in confidentiality guard. */
  readonly file: string | null;
  readonly line: number | null;
}

export function ruleAt(decision: Decision): RuleView | null {
  if (!decision.rule) return null;
  const at = decision.rule.at;
  return { summary: decision.rule.summary, file: at?.file ?? null, line: at?.line ?? null };
}
