// The retention sweeper: finds every stream whose content expired under the policy's rules,
// spares what a legal hold covers, and shreds the rest — one ContentShredded receipt per stream,
// appended at the stream's version (so content written meanwhile is never cut off), carried
// out by the shred projection (keys and read-model rows gone), then VACUUM so the rows leave
// the tables' live storage.
//
// A dry run plans exactly as a real run does (same query, same rules, same holds) and returns
// the list instead of shredding it; with nothing changing in between, the two agree item by
// item. A run interrupted anywhere (even SIGKILL) loses nothing and counts nothing twice: a
// stream's receipt is the commit point, a stream that already has one is skipped, and the next
// run records the interrupted one as failed and picks up what it left.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Database } from '../db/database.js';
import { rawRows, toBuffer, toTextArray } from '../db/values.js';
import { WrongExpectedVersionError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { Logger } from '../log/logger.js';
import { keyFingerprint } from '../keys/data-keys.js';
import type { CompiledPolicy } from '../policy/compile.js';
import type { RetentionRule } from '../policy/model.js';
import type { HoldMatch, Holds, ShredCandidate } from './held.js';
import { cutoff, describeRule, ruleFor, threadRule } from './rules.js';
import { runLock } from './run-lock.js';
import { streamParts } from './shred-projection.js';

export const RETENTION_ACTOR = 'system:retention';
const DEFAULT_BATCH = 500;

/** The id field of each kind of stream in a receipt's data (the catalogue's stream templates). */
const ID_FIELD: Record<string, string> = { post: 'postId', conversation: 'conversationId', attachment: 'attachmentId', 'privileged-read': 'accessId', hold: 'holdId' };

/** Tables whose rows a shred removes: vacuumed after a real run. */
const VACUUMED = ['stream_keys', 'retention_streams', 'posts', 'comments', 'post_reports', 'notifications', 'conversations', 'messages', 'attachments', 'attachment_chunks'];

export interface SweepParts {
  readonly db: Database;
  readonly store: EventStore;
  readonly holds: Holds;
  readonly logger: Logger;
  /** Resolves once the read models have applied the events up to a position (the projector's). */
  readonly waitFor: (position: number) => Promise<void>;
}

export interface SweepOptions {
  readonly policy: CompiledPolicy;
  readonly now: Date;
  readonly dryRun: boolean;
  /** What started it: the server's schedule, the CLI, the API. */
  readonly trigger: 'schedule' | 'cli' | 'api';
  /** Who started it: a person for the CLI and API, RETENTION_ACTOR for the schedule. */
  readonly actor: string;
  readonly batchSize?: number;
}

export type DescribedRule = ReturnType<typeof describeRule>;

export interface SweepItem {
  readonly streamId: string;
  readonly rule: DescribedRule;
  readonly lastContentAt: string;
  /** Set when a legal hold spares it: the holds' ids (never the matter). */
  readonly heldBy?: readonly string[];
}

export interface RuleTotal {
  readonly rule: DescribedRule;
  /** Expired streams under this rule; `held` of them spared by legal holds. */
  readonly expired: number;
  readonly held: number;
  readonly oldest: string;
  readonly newest: string;
}

export interface SweepReport {
  /** null for a dry run. */
  readonly runId: string | null;
  readonly dryRun: boolean;
  readonly asOf: string;
  readonly policyVersion: string;
  readonly expired: number;
  readonly held: number;
  /** Shredded by this run (a dry run: would be). */
  readonly shredded: number;
  /** Written to since they were planned (a comment came in): not expired any more, skipped. */
  readonly renewed: number;
  readonly perRule: readonly RuleTotal[];
  readonly items: readonly SweepItem[];
}

interface Candidate extends ShredCandidate {
  readonly rule: RetentionRule;
}

interface Group {
  kind: string;
  space_id: string | null;
  classification: string | null;
  has_comments: boolean;
}

interface StreamRow {
  stream_id: string;
  people: string[] | string;
  first_at: Date | string;
  last_at: Date | string;
}

/** The rule a group of streams falls under, or undefined when nothing expires them. */
function ruleOfGroup(rules: readonly RetentionRule[], g: Group): RetentionRule | undefined {
  const facts = { spaceId: g.space_id, classification: g.classification };
  switch (g.kind) {
    case 'post':
      return threadRule(rules, facts, g.has_comments);
    case 'conversation':
      return ruleFor(rules, { subject: 'DirectMessage' });
    case 'attachment':
      return ruleFor(rules, { subject: 'Attachment', ...facts });
    case 'audit':
      return ruleFor(rules, { subject: 'AuditLog' });
    default:
      return undefined;
  }
}


/** Expired streams in a fixed order (group, then last content, then id), a page at a time. */
async function* expiredStreams(knex: Knex, rules: readonly RetentionRule[], now: Date, pageSize: number): AsyncGenerator<Candidate[]> {
  const groups = await rawRows<Group>(knex, 'SELECT DISTINCT kind, space_id, classification, has_comments FROM retention_streams ORDER BY kind, space_id NULLS FIRST, classification NULLS FIRST, has_comments');
  for (const group of groups) {
    const rule = ruleOfGroup(rules, group);
    if (!rule) continue;
    const before = cutoff(now, rule.keep);
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const q = knex('retention_streams')
        .where({ kind: group.kind, has_comments: group.has_comments })
        .where('last_at', '<', before)
        .orderBy([{ column: 'last_at' }, { column: 'stream_id' }])
        .limit(pageSize)
        .select('stream_id', 'people', 'first_at', 'last_at');
      if (group.space_id === null) void q.whereNull('space_id');
      else void q.where('space_id', group.space_id);
      if (group.classification === null) void q.whereNull('classification');
      else void q.where('classification', group.classification);
      if (after) void q.whereRaw('(last_at, stream_id) > (?, ?)', [after.at, after.id]);
      const rows = (await q) as StreamRow[];
      if (rows.length === 0) break;
      yield rows.map((r) => ({
        streamId: r.stream_id,
        spaceId: group.space_id ?? undefined,
        people: toTextArray(r.people),
        from: new Date(r.first_at),
        to: new Date(r.last_at),
        rule,
      }));
      const last = rows[rows.length - 1]!;
      after = { at: new Date(last.last_at), id: last.stream_id };
      if (rows.length < pageSize) break;
    }
  }
}

class Tally {
  private readonly perRule = new Map<RetentionRule, { expired: number; held: number; oldest: Date; newest: Date }>();
  readonly items: SweepItem[] = [];
  expired = 0;
  held = 0;
  shredded = 0;
  renewed = 0;

  expiredOne(c: Candidate, heldBy: readonly HoldMatch[] | undefined): void {
    const t = this.perRule.get(c.rule) ?? { expired: 0, held: 0, oldest: c.to, newest: c.to };
    t.expired++;
    if (c.to < t.oldest) t.oldest = c.to;
    if (c.to > t.newest) t.newest = c.to;
    this.expired++;
    if (heldBy) {
      t.held++;
      this.held++;
    }
    this.perRule.set(c.rule, t);
  }

  item(c: Candidate, heldBy?: readonly HoldMatch[]): void {
    this.items.push({ streamId: c.streamId, rule: describeRule(c.rule), lastContentAt: c.to.toISOString(), ...(heldBy ? { heldBy: heldBy.map((h) => h.holdId) } : {}) });
  }

  rules(): RuleTotal[] {
    return [...this.perRule].map(([rule, t]) => ({ rule: describeRule(rule), expired: t.expired, held: t.held, oldest: t.oldest.toISOString(), newest: t.newest.toISOString() }));
  }
}

/** Runs a sweep (or plans one, `dryRun`) and reports what it found and did. */
export async function sweep(parts: SweepParts, options: SweepOptions): Promise<SweepReport> {
  const rules = options.policy.set.retention;
  const pageSize = options.batchSize ?? DEFAULT_BATCH;
  const tally = new Tally();
  const report = (runId: string | null): SweepReport => ({
    runId,
    dryRun: options.dryRun,
    asOf: options.now.toISOString(),
    policyVersion: options.policy.version,
    expired: tally.expired,
    held: tally.held,
    shredded: tally.shredded,
    renewed: tally.renewed,
    perRule: tally.rules(),
    items: tally.items,
  });

  if (options.dryRun) {
    for await (const page of expiredStreams(parts.db.knex, rules, options.now, pageSize)) {
      const held = await parts.holds.coveringEach(page);
      for (const c of page) {
        tally.expiredOne(c, held.get(c.streamId));
        tally.item(c, held.get(c.streamId));
        if (!held.has(c.streamId)) tally.shredded++;
      }
    }
    return report(null);
  }

  return runLock(parts.db, async () => {
    const runId = crypto.randomUUID();
    const stream = `retention:${runId}`;
    const context = { actor: options.actor, policyVersion: options.policy.version };
    const started = await parts.store.append(stream, [{ type: 'RetentionRunStarted', data: { runId, trigger: options.trigger, asOf: options.now.toISOString() } }], { ...context, expectedVersion: 0 });
    parts.logger.info({ runId, trigger: options.trigger }, 'retention run started');
    try {
      // Plan from read models that have caught up with everything before this run.
      await parts.waitFor(started.events[0]!.position);
      await recordInterrupted(parts, runId);
      for await (const page of expiredStreams(parts.db.knex, rules, options.now, pageSize)) {
        let shredded = new Set<string>();
        const held = await parts.holds.unlessHeldEach(page, async (unheld) => void (shredded = await shredBatch(parts, options, runId, unheld as Candidate[], tally)));
        for (const c of page) {
          const heldBy = held.get(c.streamId);
          if (heldBy || shredded.has(c.streamId)) {
            tally.expiredOne(c, heldBy);
            tally.item(c, heldBy);
          }
        }
      }
      await vacuum(parts);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      await parts.store.append(stream, [{ type: 'RetentionRunFailed', data: { runId, error: error.slice(0, 500), shredded: tally.shredded } }], { ...context, expectedVersion: started.streamVersion });
      parts.logger.error({ err, runId, shredded: tally.shredded }, 'retention run failed; the next run picks up where it stopped');
      throw err;
    }
    const done = report(runId);
    const completed = await parts.store.append(
      stream,
      [{ type: 'RetentionRunCompleted', data: { runId, expired: done.expired, held: done.held, shredded: done.shredded, renewed: done.renewed, perRule: done.perRule.map((r) => ({ ...r })) } }],
      { ...context, expectedVersion: started.streamVersion },
    );
    await parts.waitFor(completed.events[0]!.position);
    parts.logger.info({ runId, expired: done.expired, held: done.held, shredded: done.shredded, renewed: done.renewed }, 'retention run completed');
    return done;
  });
}

interface Fresh {
  stream_id: string;
  version: number | string;
  last_content: Date | string | null;
  shredded: boolean;
}

/** Shreds one batch of unheld candidates: receipts at the versions read now, then their projection. Returns the streams shredded. */
async function shredBatch(parts: SweepParts, options: SweepOptions, runId: string, batch: readonly Candidate[], tally: Tally): Promise<Set<string>> {
  const knex = parts.db.knex;
  const shredded = new Set<string>();
  const ids = batch.map((c) => c.streamId);
  // From the events, not the read model: a comment committed a moment ago counts. Both reads at
  // once (on PostgreSQL two connections; PGlite queues them).
  const [freshRows, keys] = await Promise.all([
    rawRows<Fresh>(
      knex,
      `SELECT stream_id, max(stream_version) AS version, max(occurred_at) FILTER (WHERE payload IS NOT NULL) AS last_content, bool_or(type = 'ContentShredded') AS shredded
         FROM events WHERE stream_id = ANY(?::text[]) GROUP BY stream_id`,
      [ids],
    ),
    knex<{ stream_id: string; owner: string; wrapped_key: unknown }>('stream_keys').whereIn('stream_id', ids).orderBy(['stream_id', 'owner']).select('stream_id', 'owner', 'wrapped_key'),
  ]);
  const fresh = new Map(freshRows.map((r) => [r.stream_id, r]));
  const keysOf = new Map<string, { owner: string; fingerprint: string }[]>();
  for (const k of keys) keysOf.set(k.stream_id, [...(keysOf.get(k.stream_id) ?? []), { owner: k.owner, fingerprint: keyFingerprint(toBuffer(k.wrapped_key)) }]);
  const appends: Promise<unknown>[] = [];
  let last = 0;
  for (const c of batch) {
    const f = fresh.get(c.streamId);
    if (!f || f.shredded) continue; // shredded by an interrupted run: its receipt counted then
    if (f.last_content !== null && new Date(f.last_content) > c.to) {
      tally.renewed++;
      continue;
    }
    const { kind, id } = streamParts(c.streamId);
    const streamKeys = keysOf.get(c.streamId) ?? [];
    const data = { [ID_FIELD[kind]!]: id, runId, rule: describeRule(c.rule), lastContentAt: c.to.toISOString(), keys: streamKeys };
    appends.push(
      parts.store.append(c.streamId, [{ type: 'ContentShredded', data }], { expectedVersion: Number(f.version), actor: options.actor, policyVersion: options.policy.version }).then(
        (result) => {
          last = Math.max(last, result.events[0]!.position);
          shredded.add(c.streamId);
          tally.shredded++;
        },
        (err: unknown) => {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          tally.renewed++; // written to between the read and the append
        },
      ),
    );
  }
  // All settle before a failure is reported, so the tally matches the receipts written.
  const outcomes = await Promise.allSettled(appends);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  if (last > 0) await parts.waitFor(last);
  parts.store.forgetKeys(shredded);
  parts.logger.debug({ runId, shredded: shredded.size }, 'retention batch done');
  return shredded;
}

/** Runs that started and never ended lost their process (we hold the run lock): recorded as failed before a new one starts. */
async function recordInterrupted(parts: SweepParts, current: string): Promise<void> {
  const open: { id: string }[] = await parts.db.knex('retention_runs').where({ status: 'running' }).whereNot({ id: current }).select('id');
  for (const { id: runId } of open) {
    const stream = `retention:${runId}`;
    const events = await parts.store.readStream(stream);
    if (events.some((e) => e.type !== 'RetentionRunStarted')) continue;
    await parts.store.append(stream, [{ type: 'RetentionRunFailed', data: { runId, error: 'interrupted: the process ended before the run completed; the next run continued its work' } }], {
      expectedVersion: events.length,
      actor: RETENTION_ACTOR,
    });
    parts.logger.warn({ runId }, 'an earlier retention run was interrupted; recorded as failed');
  }
}

/** Lets the deleted rows' bytes leave the tables' live storage (see audit/retention.md for disks and backups). */
async function vacuum(parts: SweepParts): Promise<void> {
  await parts.db.knex.raw(`VACUUM ${VACUUMED.join(', ')}`);
}
