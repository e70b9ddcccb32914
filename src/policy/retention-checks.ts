// Checks of the retention rules against each other and the spaces: a rule naming an unknown
// space, a rule that can never apply (its space has another classification), and two rules for
// exactly the same items are problems.
import type { RetentionRule, Space } from './model.js';
import { didYouMean } from './suggest.js';
import type { PolicyProblem } from './yaml-source.js';

/** `uncheckedSpaces`: spaces defined in parts that already have problems; rules naming them pass. */
export function checkRetention(retention: readonly RetentionRule[], spaces: ReadonlyMap<string, Space>, uncheckedSpaces: ReadonlySet<string>): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const seen = new Map<string, RetentionRule>();
  for (const r of retention) {
    const space = r.space === undefined ? undefined : spaces.get(r.space);
    if (r.space !== undefined && !space && !uncheckedSpaces.has(r.space)) problems.push({ ...r.at, message: `retention for ${r.subject}: unknown space "${r.space}"${didYouMean(r.space, spaces.keys())}` });
    if (space && r.classification !== undefined && r.classification !== space.classification) {
      problems.push({ ...r.at, message: `retention for ${r.subject}: never applies: space ${space.id} is ${space.classification}, not ${r.classification}` });
    }
    const key = `${r.subject}|${r.space ?? ''}|${r.classification ?? ''}`;
    const earlier = seen.get(key);
    if (earlier) problems.push({ ...r.at, message: `retention for ${r.subject}: the rule at ${earlier.at.file}:${earlier.at.line} covers the same items (keep ${earlier.keep}); keep one` });
    else seen.set(key, r);
  }
  return problems;
}
