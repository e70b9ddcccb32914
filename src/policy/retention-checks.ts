// Checks of the retention rules against each other and the spaces: a rule naming an unknown
// space, a rule that can never apply (its space has another classification), and two rules for
// exactly the same items are problems. Warnings, where the set works but does something an admin
// may not have meant: a rule that gives way to another in some space, comments kept longer than
// their rule because their thread is, and audit records that expire before content.
//
// Which rule applies is asked of src/retention/rules.ts, the functions the sweeper uses, so the
// warnings say what the sweeper will do. That file imports only policy types: no cycle.
import { keepsLonger, ruleFor, threadRule } from '../retention/rules.js';
import type { RetentionRule, Space } from './model.js';
import { didYouMean } from './suggest.js';
import { formatLocation, formatProblem, type PolicyProblem } from './yaml-source.js';

/** The subjects whose items live in spaces (direct messages and audit records do not). */
const IN_SPACES = ['Post', 'Comment', 'Attachment'] as const;

/** `uncheckedSpaces`: spaces defined in parts that already have problems; rules naming them pass. */
export function checkRetention(retention: readonly RetentionRule[], spaces: ReadonlyMap<string, Space>, uncheckedSpaces: ReadonlySet<string>, warnings: string[]): PolicyProblem[] {
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
  warnings.push(...overlaps(retention, spaces), ...commentsKeptLonger(retention, spaces), ...postsKeptLonger(retention, spaces), ...auditShorterThanContent(retention));
  return problems;
}

/** A rule naming a space that overrides, there, a rule naming a classification (or the space without one). */
function overlaps(retention: readonly RetentionRule[], spaces: ReadonlyMap<string, Space>): string[] {
  const found: string[] = [];
  for (const space of spaces.values()) {
    const facts = { spaceId: space.id, classification: space.classification };
    for (const subject of IN_SPACES) {
      const winner = ruleFor(retention, { subject, ...facts });
      if (!winner || winner.space === undefined) continue;
      for (const other of retention) {
        // The rule naming only the subject gives way everywhere something narrower exists: that is its job.
        if (other === winner || (other.space === undefined && other.classification === undefined)) continue;
        if (ruleFor([other], { subject, ...facts }) !== other) continue; // does not apply here anyway
        found.push(warning(winner, `${scope(winner)} (keep ${winner.keep}) overrides the rule at ${formatLocation(other.at)} (${scope(other)}, keep ${other.keep}) for space ${space.id}`));
      }
    }
  }
  return found;
}

/**
 * A Comment rule shorter than the Post rule of some spaces: comments share their post's stream
 * and go with the whole thread (threadRule), so there they are kept as long as the post. The
 * reverse, a longer Comment rule, keeps the thread for the comments' sake, as documented.
 */
function commentsKeptLonger(retention: readonly RetentionRule[], spaces: ReadonlyMap<string, Space>): string[] {
  const affected = new Map<RetentionRule, Map<RetentionRule | undefined, string[]>>(); // Comment rule → thread rule → spaces
  for (const space of spaces.values()) {
    const facts = { spaceId: space.id, classification: space.classification };
    const comment = ruleFor(retention, { subject: 'Comment', ...facts });
    if (!comment) continue;
    const thread = threadRule(retention, facts, true); // undefined: no Post rule here, threads are kept until erased
    if (thread !== undefined && !keepsLonger(thread, comment)) continue;
    const byThread = affected.get(comment) ?? new Map<RetentionRule | undefined, string[]>();
    affected.set(comment, byThread.set(thread, [...(byThread.get(thread) ?? []), space.id]));
  }
  return [...affected].flatMap(([comment, byThread]) =>
    [...byThread].map(([thread, ids]) => {
      const period = thread ? `${thread.keep} (the Post rule at ${formatLocation(thread.at)})` : 'until erased (no Post rule applies there)';
      return warning(comment, `keep ${comment.keep}, but comments in ${ids.length === 1 ? 'space' : 'spaces'} ${ids.join(', ')} are kept as long as their thread: ${period}`);
    }),
  );
}

/** A Post rule shorter than the Comment rule: a post with comments waits for them, so it is kept longer than its rule says. */
function postsKeptLonger(retention: readonly RetentionRule[], spaces: ReadonlyMap<string, Space>): string[] {
  const affected = new Map<RetentionRule, Map<RetentionRule | undefined, string[]>>(); // Post rule → Comment rule → spaces
  for (const space of spaces.values()) {
    const facts = { spaceId: space.id, classification: space.classification };
    const post = ruleFor(retention, { subject: 'Post', ...facts });
    if (!post) continue;
    const comment = ruleFor(retention, { subject: 'Comment', ...facts }); // undefined: comments go with their thread
    if (comment === undefined || !keepsLonger(comment, post)) continue;
    const byComment = affected.get(post) ?? new Map<RetentionRule | undefined, string[]>();
    affected.set(post, byComment.set(comment, [...(byComment.get(comment) ?? []), space.id]));
  }
  return [...affected].flatMap(([post, byComment]) =>
    [...byComment].map(([comment, ids]) => {
      const period = `${comment!.keep} (the Comment rule at ${formatLocation(comment!.at)})`;
      return warning(post, `keep ${post.keep}, but posts with comments in ${ids.length === 1 ? 'space' : 'spaces'} ${ids.join(', ')} are kept as long as their comments: ${period}`);
    }),
  );
}

/** An AuditLog rule shorter than the longest content rule: sealed audit records would go before the content they are about. */
function auditShorterThanContent(retention: readonly RetentionRule[]): string[] {
  const longest = retention.filter((r) => r.subject !== 'AuditLog').reduce<RetentionRule | undefined>((a, r) => (a === undefined || keepsLonger(r, a) ? r : a), undefined);
  if (!longest) return [];
  return retention
    .filter((r) => r.subject === 'AuditLog' && keepsLonger(longest, r))
    .map((r) => warning(r, `keep ${r.keep} is shorter than the rule for ${longest.subject} at ${formatLocation(longest.at)} (keep ${longest.keep}): sealed audit records would expire before the content they are about`));
}

/** What a rule narrows to: "space hr", "classification secret", or both. */
function scope(rule: RetentionRule): string {
  return [rule.space === undefined ? [] : [`space ${rule.space}`], rule.classification === undefined ? [] : [`classification ${rule.classification}`]].flat().join(', ');
}

function warning(rule: RetentionRule, message: string): string {
  return formatProblem({ ...rule.at, message: `retention for ${rule.subject}: ${message}` });
}
