// Reports of posts to their space's moderators. Any reader the policy lets `report` a post
// gives a reason (personal content: sealed in the post's stream, so retention shreds it with
// the post); the reporter gets back their own report and learns nothing about anyone else's.
// Whoever the policy lets `moderate` the space lists its open reports, with the reporters, and
// resolves each: "kept" closes it, "removed" also deletes the post (as DELETE /api/posts/{id}
// would, so it needs `delete` too) and closes every open report of that post with it.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { NewEvent } from '../events/types.js';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import type { Space } from '../policy/model.js';
import { decidingPolicy, postFor, readableSpace, type Caller, type CommandDeps } from './commands.js';
import { postById, presentPosts, selectPosts, type Page, type PostRow, type PostView } from './post-queries.js';
import { isUuid, record } from './record.js';
import { refusal } from '../policy/refusal.js';

export const REASON_MAX = 1000;
const OUTCOMES = ['kept', 'removed'] as const;
type Outcome = (typeof OUTCOMES)[number];

/** What a reporter gets back: their own report, nothing about others. */
export interface ReportReceipt {
  readonly id: string;
  readonly postId: string;
  readonly reason: string;
  readonly reportedAt: string;
  readonly status: 'open' | 'resolved';
}

/** An open report as the space's moderators see it. */
export interface ModerationReport {
  readonly id: string;
  readonly post: PostView;
  readonly reason: string;
  readonly reportedBy: { readonly id: string; readonly name: string | null };
  readonly reportedAt: string;
  readonly position: number;
}

export interface Resolution {
  readonly id: string;
  readonly postId: string;
  readonly spaceId: string;
  readonly outcome: Outcome;
  readonly resolvedBy: string;
  readonly resolvedAt: string;
}

interface ReportRow {
  id: string;
  post_id: string;
  space_id: string;
  reporter_id: string;
  reason: string;
  reported_at: Date | string;
  outcome: Outcome | null;
  resolved_by: string | null;
  resolved_at: Date | string | null;
}

/** Reads a body of exactly `{ "reason": "…" }`. */
function reasonOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('report: expected a JSON object with "reason"');
  const unknownKeys = Object.keys(body).filter((k) => k !== 'reason');
  if (unknownKeys.length > 0) throw new ValidationError(`report: unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}; expected "reason"`);
  const { reason } = body as { reason?: unknown };
  if (typeof reason !== 'string') throw new ValidationError('report: "reason" must be a string');
  const text = reason.normalize('NFC').trim();
  // Invisible characters alone (zero-width, direction marks) say nothing either.
  if (/^[\p{Cc}\p{Cf}\p{Z}]*$/u.test(text)) throw new ValidationError('report: "reason" is empty; tell the moderators what is wrong');
  const length = [...text].length;
  if (length > REASON_MAX) throw new ValidationError(`report: "reason" has ${length} characters; at most ${REASON_MAX}`);
  return text;
}

function outcomeOf(body: unknown): Outcome {
  const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : undefined;
  const outcome = (body as { outcome?: unknown } | undefined)?.outcome;
  if (keys?.length !== 1 || !OUTCOMES.includes(outcome as Outcome)) throw new ValidationError(`resolution: expected exactly { "outcome": "kept" | "removed" }`);
  return outcome as Outcome;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** Reports a post; a second report by the same person while the first is open answers the first. */
export async function reportPost(deps: CommandDeps, caller: Caller, postId: string, body: unknown): Promise<{ report: ReportReceipt; created: boolean }> {
  const { post, policy } = await postFor(deps, caller, postId, 'report');
  const reason = reasonOf(body);
  const reporterId = caller.principal.id;
  const open = await deps.knex<ReportRow>('post_reports').where({ post_id: post.id, reporter_id: reporterId }).whereNull('outcome').orderBy('position').first();
  if (open) return { report: { id: open.id, postId: post.id, reason: open.reason, reportedAt: iso(open.reported_at), status: 'open' }, created: false };
  const reportId = crypto.randomUUID();
  const [event] = await record(deps, caller, policy, `post:${post.id}`, [{ type: 'PostReported', data: { reportId, postId: post.id, spaceId: post.spaceId, reporterId }, personal: { reason } }]);
  return { report: { id: reportId, postId: post.id, reason, reportedAt: event!.occurredAt.toISOString(), status: 'open' }, created: true };
}

/** A space the caller may read (else 404) and moderate (else 403 with the policy's reason). */
function moderatedSpace(policy: CompiledPolicy, ability: AppAbility, spaceId: string): Space {
  const space = readableSpace(policy, ability, spaceId);
  const subject = asSubject('Space', { spaceId: space.id, classification: space.classification });
  if (!ability.can('moderate', subject as never)) throw refusal(ability, 'moderate', subject, `You may read space ${space.id} but not moderate it.`, space.id);
  return space;
}

/** Open reports of a space, oldest first (a queue), each with its post as the moderator sees it. */
export async function openReports(knex: Knex, policy: CompiledPolicy, ability: AppAbility, viewerId: string, spaceId: string, page: { after?: number; limit: number }): Promise<Page<ModerationReport>> {
  const space = moderatedSpace(policy, ability, spaceId);
  let query = selectPosts(knex, ability, viewerId)
    .join('post_reports', 'post_reports.post_id', 'posts.id')
    .leftJoin('users as reporters', 'reporters.id', 'post_reports.reporter_id')
    .select('post_reports.id as report_id', 'post_reports.position as report_position', 'post_reports.reason', 'post_reports.reporter_id', 'reporters.name as reporter_name', 'post_reports.reported_at')
    .where('post_reports.space_id', space.id)
    .whereNull('post_reports.outcome');
  if (page.after !== undefined) query = query.where('post_reports.position', '>', page.after);
  type Row = PostRow & { report_id: string; report_position: string | number; reason: string; reporter_id: string; reporter_name: string | null; reported_at: Date | string };
  const rows = (await query.orderBy('post_reports.position', 'asc').limit(page.limit + 1)) as Row[];
  const posts = await presentPosts(knex, rows.slice(0, page.limit), ability);
  const items = rows.slice(0, page.limit).map((r, i) => ({
    id: r.report_id,
    post: posts[i]!,
    reason: r.reason,
    reportedBy: { id: r.reporter_id, name: r.reporter_name },
    reportedAt: iso(r.reported_at),
    position: Number(r.report_position),
  }));
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

export async function resolveReport(deps: CommandDeps, caller: Caller, reportId: string, body: unknown): Promise<Resolution> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const userId = caller.principal.id;
  const row = isUuid(reportId) ? await deps.knex<ReportRow>('post_reports').where({ id: reportId }).first() : undefined;
  if (!row) throw new NotFoundError();
  const post = await postById(deps.knex, ability, userId, row.post_id); // hidden posts hide their reports
  // A report exists for its space's moderators only: to anyone else it answers like a missing one.
  try {
    moderatedSpace(policy, ability, post.spaceId);
  } catch (err) {
    if (err instanceof ForbiddenError) throw new NotFoundError();
    throw err;
  }
  const outcome = outcomeOf(body);
  if (row.outcome === outcome) return { id: row.id, postId: post.id, spaceId: post.spaceId, outcome, resolvedBy: row.resolved_by!, resolvedAt: iso(row.resolved_at!) };
  const resolved = (id: string): NewEvent => ({ type: 'ReportResolved', data: { reportId: id, postId: post.id, spaceId: post.spaceId, outcome, resolvedBy: userId } });
  let events: NewEvent[] = [resolved(row.id)];
  if (outcome === 'removed') {
    if (!post.may.delete) {
      const subject = asSubject('Post', { spaceId: post.spaceId, classification: post.classification, authorId: post.author.id, mentions: post.mentions, topics: post.topics });
      throw refusal(ability, 'delete', subject, 'You may moderate this space but not delete this post.', post.id);
    }
    // The post goes, so every report of it is settled: one batch, so no report outlives it open.
    const others = await deps.knex<ReportRow>('post_reports').where({ post_id: post.id }).whereNull('outcome').whereNot({ id: row.id }).orderBy('position').pluck('id');
    events = [...events, ...others.map(resolved), { type: 'PostDeleted', data: { postId: post.id, spaceId: post.spaceId } }];
  }
  const recorded = await record(deps, caller, policy, `post:${post.id}`, events);
  return { id: row.id, postId: post.id, spaceId: post.spaceId, outcome, resolvedBy: userId, resolvedAt: recorded[0]!.occurredAt.toISOString() };
}
