// Which retention rule applies to a stream, and when its content expires: pure functions over
// the policy's rules, shared by the sweeper, the dry run and the employees' view.
//
// Specificity: a rule naming a space beats one naming a classification, which beats one naming
// only the subject; a rule naming both space and classification beats one naming either. Rules
// whose space or classification do not fit the stream do not apply. `policy check` refuses two
// rules with the same subject, space and classification (policy/retention-checks.ts), so the
// winner is always unique. That check imports this file: import nothing here but policy types.
//
// A post's stream holds its comments too, sealed under their authors' keys but expiring with
// the thread: its period is the Post rule's, or the Comment rule's when that is longer and the
// thread has comments, so no comment goes earlier than its rule says, and a thread is never
// cut in half. Comments with no rule of their own go with their thread. Periods run from the stream's last content (the last comment, edit or message).
import type { Classification } from '../policy/catalogue.js';
import type { RetentionRule } from '../policy/model.js';

export type RetentionSubject = RetentionRule['subject'];

/** What a stream is, as far as the rules care. */
export interface StreamFacts {
  readonly subject: RetentionSubject;
  readonly spaceId?: string | null;
  readonly classification?: string | null;
}

/** The rule that decides for these facts, or undefined when no rule names the subject (kept forever). */
export function ruleFor(rules: readonly RetentionRule[], facts: StreamFacts): RetentionRule | undefined {
  let best: RetentionRule | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    if (rule.subject !== facts.subject) continue;
    if (rule.space !== undefined && rule.space !== facts.spaceId) continue;
    if (rule.classification !== undefined && rule.classification !== (facts.classification as Classification | null | undefined)) continue;
    const score = (rule.space !== undefined ? 2 : 0) + (rule.classification !== undefined ? 1 : 0);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}

/** The rule of a post's thread: the Post rule, or the Comment rule when it is longer and there are comments. */
export function threadRule(rules: readonly RetentionRule[], facts: Omit<StreamFacts, 'subject'>, hasComments: boolean): RetentionRule | undefined {
  const post = ruleFor(rules, { ...facts, subject: 'Post' });
  if (!hasComments || !post) return post; // no Post rule: the thread is kept until erased
  const comment = ruleFor(rules, { ...facts, subject: 'Comment' });
  // Comments without a rule of their own go with their thread.
  return comment && keepsLonger(comment, post) ? comment : post;
}

interface Period {
  readonly years: number;
  readonly months: number;
  readonly days: number;
}

/** An ISO 8601 duration of years, months, weeks and days (the policy schema allows no more). */
export function parsePeriod(keep: string): Period {
  const m = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(keep);
  if (!m) throw new Error(`not an ISO 8601 duration of years, months, weeks or days: ${keep}`);
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4) };
}

/**
 * The instant before which content under `keep` has expired at `now`: calendar arithmetic in
 * UTC, so P6M on 31 August reaches back to the end of February (JavaScript's month overflow is
 * clamped to the month's last day, as people count months).
 */
export function cutoff(now: Date, keep: string): Date {
  const p = parsePeriod(keep);
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCFullYear(d.getUTCFullYear() - p.years);
  d.setUTCMonth(d.getUTCMonth() - p.months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  d.setUTCDate(d.getUTCDate() - p.days);
  return d;
}

/** Whether `a` keeps content longer than `b` (compared at a fixed instant, as months differ in length). */
export function keepsLonger(a: RetentionRule, b: RetentionRule): boolean {
  const at = new Date(Date.UTC(2000, 0, 1));
  return cutoff(at, a.keep).getTime() < cutoff(at, b.keep).getTime();
}

/** A rule as receipts and reports name it. */
export function describeRule(rule: RetentionRule) {
  return {
    subject: rule.subject,
    ...(rule.space !== undefined ? { space: rule.space } : {}),
    ...(rule.classification !== undefined ? { classification: rule.classification } : {}),
    keep: rule.keep,
    at: `${rule.at.file}:${rule.at.line}`,
  };
}
