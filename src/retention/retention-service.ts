// Retention as DPOs and the server use it: run a sweep (or a dry run) on someone's authority,
// list the last runs and the receipts, and the server's schedule. Reading needs `read` on
// Retention, a real run `run`; those without get 403 with the policy's reason.
import type { Database } from '../db/database.js';
import { ValidationError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { Projector } from '../events/projector.js';
import type { Logger } from '../log/logger.js';
import type { ActivePolicy } from '../policy/active-policy.js';
import { refusal } from '../policy/refusal.js';
import { decidingPolicy, type Caller } from '../posts/commands.js';
import { isUuid } from '../posts/record.js';
import type { Holds } from './held.js';
import { RETENTION_ACTOR, sweep, type SweepReport } from './sweep.js';
import { rawRows } from '../db/values.js';
import { runPeriodically } from '../periodic.js';

export interface RetentionDeps {
  readonly db: Database;
  readonly store: EventStore;
  readonly policy: ActivePolicy;
  readonly projector: Projector;
  readonly holds: Holds;
  readonly logger: Logger;
  readonly clock: () => Date;
}

export interface RunView {
  readonly id: string;
  readonly trigger: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly asOf: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly finishedAt: string | null;
  readonly shredded: number | null;
  readonly held: number | null;
  readonly renewed: number | null;
  readonly perRule: unknown;
  readonly error: string | null;
}

export interface ReceiptView {
  readonly position: number;
  readonly type: string;
  readonly streamId: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly policyVersion: string | null;
  readonly data: Record<string, unknown>;
}

function allowed(deps: RetentionDeps, caller: Caller, action: 'read' | 'run'): void {
  const { ability } = decidingPolicy({ ...deps, knex: deps.db.knex }, caller);
  if (!ability.can(action, 'Retention')) throw refusal(ability, action, 'Retention', 'Retention runs and receipts are for those the policy names (data-protection officers).');
}

/** A sweep now: on a person's authority (CLI, API), or the schedule's (caller undefined). */
export async function runRetention(deps: RetentionDeps, caller: Caller | undefined, options: { dryRun: boolean; trigger: 'schedule' | 'cli' | 'api'; batchSize?: number }): Promise<SweepReport> {
  if (caller) allowed(deps, caller, options.dryRun ? 'read' : 'run');
  return sweep(
    { db: deps.db, store: deps.store, holds: deps.holds, logger: deps.logger, waitFor: (p) => deps.projector.waitFor(p) },
    { policy: deps.policy.current, now: deps.clock(), dryRun: options.dryRun, trigger: options.trigger, actor: caller?.principal.id ?? RETENTION_ACTOR, batchSize: options.batchSize },
  );
}

interface RunRow {
  id: string;
  trigger: string;
  started_by: string;
  started_at: Date | string;
  as_of: Date | string;
  status: RunView['status'];
  finished_at: Date | string | null;
  shredded: number | null;
  held: number | null;
  renewed: number | null;
  per_rule: unknown;
  error: string | null;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** The newest runs first. */
export async function listRuns(deps: RetentionDeps, caller: Caller, limit: number): Promise<RunView[]> {
  allowed(deps, caller, 'read');
  const rows = (await deps.db.knex('retention_runs').orderBy('position', 'desc').limit(limit).select('*')) as RunRow[];
  return rows.map((r) => ({
    id: r.id,
    trigger: r.trigger,
    startedBy: r.started_by,
    startedAt: iso(r.started_at)!,
    asOf: iso(r.as_of)!,
    status: r.status,
    finishedAt: iso(r.finished_at),
    shredded: r.shredded,
    held: r.held,
    renewed: r.renewed,
    perRule: typeof r.per_rule === 'string' ? (JSON.parse(r.per_rule) as unknown) : r.per_rule,
    error: r.error,
  }));
}

/** Receipts (ContentShredded, PersonErased) in the order they were written, after a position, optionally of one run. */
export async function listReceipts(deps: RetentionDeps, caller: Caller, query: { after: number; limit: number; runId?: string }): Promise<ReceiptView[]> {
  allowed(deps, caller, 'read');
  if (query.runId !== undefined && !isUuid(query.runId)) throw new ValidationError('run: must be the id of a retention run');
  // The condition repeats the partial index's predicate word for word, so the planner uses it.
  const rows = await rawRows<{ position: string | number; type: string; stream_id: string; occurred_at: Date | string; actor: string; policy_version: string | null; data: string | Record<string, unknown> }>(
    deps.db.knex,
    `SELECT position, type, stream_id, occurred_at, actor, policy_version, data FROM events
      WHERE type IN ('ContentShredded', 'PersonErased') AND position > ? ${query.runId ? `AND data->>'runId' = ?` : ''}
      ORDER BY position LIMIT ?`,
    query.runId ? [query.after, query.runId, query.limit] : [query.after, query.limit],
  );
  return rows.map((r) => ({
    position: Number(r.position),
    type: r.type,
    streamId: r.stream_id,
    occurredAt: iso(r.occurred_at)!,
    actor: r.actor,
    policyVersion: r.policy_version,
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
  }));
}

/**
 * Runs retention now and then every `intervalSeconds`, whether or not anything happens in the
 * meantime. A failed run is logged and audited (RetentionRunFailed) and tried again after a
 * minute rather than at the next interval. Returns the function that stops it (after a run in
 * progress).
 */
export function startRetentionSchedule(deps: RetentionDeps, intervalSeconds: number): () => Promise<void> {
  return runPeriodically(
    {
      name: 'scheduled retention run',
      everyMs: intervalSeconds * 1000,
      retryMs: Math.min(60_000, intervalSeconds * 1000),
      run: async () => void (await runRetention(deps, undefined, { dryRun: false, trigger: 'schedule' })),
    },
    deps.logger,
  );
}
