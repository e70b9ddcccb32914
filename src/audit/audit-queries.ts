// The audit trail for those the policy lets read it (the AuditLog subject): every event's
// public facts (who, what, when, under which policy, its place in the chain), filtered by time,
// actor, type, space and stream, newest first by position. Sealed content never appears here;
// reading it is an export's business, with a reason (a later version). Each query is itself an
// event: who looked at the audit trail, with which filters, is on record.
import type { Knex } from 'knex';
import { ValidationError } from '../errors.js';
import type { AppAbility } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import type { Page } from '../posts/post-queries.js';
import { refusal } from '../policy/refusal.js';

export const AUDIT_COLUMNS: ColumnMap = {
  actor: { column: 'audit_events.actor', kind: 'text' },
  spaceId: { column: 'audit_events.space_id', kind: 'text', nullable: true },
};

/** The stream that records who read the audit trail. */
export const AUDIT_READS_STREAM = 'audit-reads';

export interface AuditFilters {
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly types?: readonly string[];
  readonly spaceId?: string;
  readonly streamId?: string;
}

export interface AuditEventView {
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly actor: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly spaceId: string | null;
  /** The event's clear facts (ids, counts, classifications); personal content is sealed and not shown. */
  readonly data: unknown;
  readonly hasPersonalContent: boolean;
  readonly policyVersion: string | null;
  readonly correlationId: string | null;
  readonly hash: string;
}

interface AuditRow {
  position: string | number;
  id: string;
  type: string;
  occurred_at: Date | string;
  actor: string;
  stream_id: string;
  stream_version: number;
  space_id: string | null;
  data: unknown;
  has_personal: boolean;
  policy_version: string | null;
  correlation_id: string | null;
  hash: string;
}

const TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;

function instant(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError(`"${name}" must be an ISO 8601 date or date-time, e.g. 2026-11-28 or 2026-11-28T09:00:00Z`);
  }
  return new Date(value).toISOString();
}

function text(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new ValidationError(`"${name}" must be 1 to 200 characters`);
  return value;
}

/** Reads the filters from query parameters; anything malformed is a clear 400. */
export function auditFilters(query: Record<string, unknown>): AuditFilters {
  const known = new Set(['from', 'to', 'actor', 'type', 'space', 'stream', 'cursor', 'limit']);
  const unknown = Object.keys(query).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new ValidationError(`unknown filter ${unknown.map((k) => `"${k}"`).join(', ')}; filters are from, to, actor, type, space, stream`);
  const types = text(query.type, 'type')?.split(',');
  if (types && !types.every((t) => TYPE.test(t))) throw new ValidationError('"type" must be event types separated by commas, e.g. PostCreated,PostDeleted');
  const filters = { from: instant(query.from, 'from'), to: instant(query.to, 'to'), actor: text(query.actor, 'actor'), types, spaceId: text(query.space, 'space'), streamId: text(query.stream, 'stream') };
  if (filters.from && filters.to && filters.from > filters.to) throw new ValidationError('"from" must not be after "to"');
  // Only the filters given: they are recorded in events and manifests, where undefined is no value.
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
}

/** The caller may read the audit trail at all, or ForbiddenError with the policy's reason. */
export function requireAuditReader(ability: AppAbility): void {
  if (!ability.can('read', 'AuditLog')) throw refusal(ability, 'read', 'AuditLog', 'Reading the audit trail is for those the policy names (data-protection officers).');
}

/** The filters as conditions on the audit_events view (also when it is joined to events). */
export function whereAuditFilters(query: Knex.QueryBuilder, filters: AuditFilters): Knex.QueryBuilder {
  let q = query;
  if (filters.from) q = q.where('audit_events.occurred_at', '>=', filters.from);
  if (filters.to) q = q.where('audit_events.occurred_at', '<=', filters.to);
  if (filters.actor) q = q.where('audit_events.actor', filters.actor);
  if (filters.types) q = q.whereIn('audit_events.type', [...filters.types]);
  if (filters.spaceId) q = q.where('audit_events.space_id', filters.spaceId);
  if (filters.streamId) q = q.where('audit_events.stream_id', filters.streamId);
  return q;
}

export async function auditEvents(knex: Knex, ability: AppAbility, filters: AuditFilters, page: { before?: number; limit: number }): Promise<Page<AuditEventView>> {
  let query = whereAuditFilters(wherePermitted(knex('audit_events').select('*'), ability, 'read', 'AuditLog', AUDIT_COLUMNS), filters);
  if (page.before !== undefined) query = query.where('position', '<', page.before);
  const rows = (await query.orderBy('position', 'desc').limit(page.limit + 1)) as AuditRow[];
  const items = rows.slice(0, page.limit).map(
    (r): AuditEventView => ({
      position: Number(r.position),
      id: r.id,
      type: r.type,
      occurredAt: new Date(r.occurred_at).toISOString(),
      actor: r.actor,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      spaceId: r.space_id,
      data: r.data,
      hasPersonalContent: r.has_personal,
      policyVersion: r.policy_version,
      correlationId: r.correlation_id,
      hash: r.hash.trim(),
    }),
  );
  return { items, next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

/** One audit query, decided and recorded: the AuditLogRead event names the reader and the filters. */
export async function readAuditTrail(deps: CommandDeps, caller: Caller, filters: AuditFilters, page: { before?: number; limit: number }): Promise<Page<AuditEventView>> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireAuditReader(ability);
  const result = await auditEvents(deps.knex, ability, filters, page);
  const recorded = { ...filters, ...(page.before === undefined ? {} : { before: page.before }), limit: page.limit, returned: result.items.length };
  // Recorded before the answer leaves; no read model waits on it.
  await deps.store.append(AUDIT_READS_STREAM, [{ type: 'AuditLogRead', data: recorded as never }], {
    expectedVersion: 'any',
    actor: caller.principal.id,
    correlationId: caller.correlationId,
    policyVersion: policy.version,
  });
  return result;
}
