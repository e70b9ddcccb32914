// "Did you mean …?" for misspelt keys and names: a typo in a policy file must be fixed, and the
// fastest fix is the one the message already names.
import { closestMatch } from 'leven';

/** ` (did you mean "x"?)`, or '' when nothing is close enough to be a likely typo. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/**
 * The candidate a typo most likely meant, case-insensitive: two edits off (a swapped pair of
 * letters is two), or a third of a long word.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const maxDistance = Math.max(2, Math.floor(input.length / 3));
  const lower = closestMatch(input.toLowerCase(), list.map((c) => c.toLowerCase()), { maxDistance });
  if (lower === undefined) return undefined;
  const match = list.find((c) => c.toLowerCase() === lower)!;
  return match === input ? undefined : match;
}
