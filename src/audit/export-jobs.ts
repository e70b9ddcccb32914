// Audit exports through the API, as jobs: a DPO asks for one (AuditExportRequested), the
// process that took the request writes the signed ZIP into the data folder's `exports`
// directory (owner-only) and records it (AuditExported) or its failure (AuditExportFailed);
// the DPO downloads it (AuditExportDownloaded, recorded before the first byte leaves), and the
// file is removed after the policy's number of downloads, after its time, or on request
// (AuditExportRemoved). Each export is a stream `export:<id>`; every decision reads that
// stream and appends at the version it read, so two downloads, or a download and the
// housekeeping, cannot both take the last turn.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ConflictError, ForbiddenError, GoneError, NotFoundError, ValidationError, WrongExpectedVersionError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { JsonObject, NewEvent } from '../events/types.js';
import type { SigningKey } from '../keys/signing-key.js';
import type { Logger } from '../log/logger.js';
import type { AppAbility } from '../policy/compile.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import { decidingPolicy, reasonFor, type Caller, type CommandDeps } from '../posts/commands.js';
import type { Page } from '../posts/post-queries.js';
import { isUuid, record } from '../posts/record.js';
import { auditFilters, type AuditFilters } from './audit-queries.js';
import { writeAuditExport, type ExportSummary } from './export.js';
import { knownPerson, requireAccessRequest, writeSubjectAccessExport } from './subject-access.js';

export const exportStream = (id: string) => `export:${id}`;

/** A job that has shown no result for this long was cut off with its process. */
export const INTERRUPTED_AFTER_MS = 3_600_000;
/** At most this many exports run at once in one process; more wait for a free turn (429). */
const RUNNING_LIMIT = 2;

export interface ExportJobDeps extends CommandDeps {
  readonly signingKey: SigningKey;
  /** The directory export files are written to (created owner-only on first use). */
  readonly dir: string;
  readonly clock: () => Date;
  readonly logger: Logger;
}

export type ExportState = 'running' | 'ready' | 'failed' | 'removed';

export interface ExportView {
  readonly id: string;
  readonly kind: string;
  readonly state: ExportState;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly filters: AuditFilters;
  /** A subject-access export: the person it is about. */
  readonly person: string | null;
  readonly events: number | null;
  readonly bytes: number | null;
  readonly manifestSha256: string | null;
  readonly finishedAt: string | null;
  readonly expiresAt: string | null;
  readonly downloads: number;
  readonly failure: string | null;
  readonly removedBecause: string | null;
}

interface ExportRow {
  id: string;
  position: string | number;
  kind: string;
  requested_by: string;
  requested_at: Date | string;
  selection: unknown;
  state: ExportState;
  events: number | null;
  bytes: string | number | null;
  manifest_sha256: string | null;
  finished_at: Date | string | null;
  expires_at: Date | string | null;
  downloads: number;
  failure: string | null;
  removed_because: string | null;
}

export const EXPORT_COLUMNS: ColumnMap = { requestedBy: { column: 'audit_exports.requested_by', kind: 'text' } };

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function view(row: ExportRow): ExportView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at)!,
    filters: selectionOf(row).filters ?? {},
    person: selectionOf(row).person ?? null,
    events: row.events,
    bytes: row.bytes === null ? null : Number(row.bytes),
    manifestSha256: row.manifest_sha256,
    finishedAt: iso(row.finished_at),
    expiresAt: iso(row.expires_at),
    downloads: row.downloads,
    failure: row.failure,
    removedBecause: row.removed_because,
  };
}

function selectionOf(row: ExportRow): { filters?: AuditFilters; person?: string } {
  return (typeof row.selection === 'string' ? JSON.parse(row.selection) : row.selection) as { filters?: AuditFilters; person?: string };
}

/**
 * The caller may work with exports at all (export the audit trail, or answer subject-access
 * requests), and take this action on them; or ForbiddenError with the policy's reason.
 */
function requireExporter(ability: AppAbility, action: 'create' | 'read' | 'delete'): void {
  if (!ability.can('export', 'AuditLog') && !ability.can('accessRequest', 'User')) throw new ForbiddenError(reasonFor(ability, 'export', 'AuditLog', 'Exporting the audit trail is for those the policy names (data-protection officers).'));
  if (!ability.can(action, 'Export')) throw new ForbiddenError(reasonFor(ability, action, 'Export', `The policy does not let you ${action} audit exports.`));
}

async function exportRow(knex: Knex, ability: AppAbility, id: string): Promise<ExportRow> {
  const row = isUuid(id) ? ((await wherePermitted(knex('audit_exports').select('*'), ability, 'read', 'Export', EXPORT_COLUMNS).where('id', id).first()) as ExportRow | undefined) : undefined;
  if (!row) throw new NotFoundError();
  return row;
}

export async function exportById(deps: CommandDeps, caller: Caller, id: string): Promise<ExportView> {
  const { ability } = decidingPolicy(deps, caller);
  requireExporter(ability, 'read');
  return view(await exportRow(deps.knex, ability, id));
}

export async function listExports(deps: CommandDeps, caller: Caller, page: { before?: number; limit: number }): Promise<Page<ExportView>> {
  const { ability } = decidingPolicy(deps, caller);
  requireExporter(ability, 'read');
  let query = wherePermitted(deps.knex('audit_exports').select('*'), ability, 'read', 'Export', EXPORT_COLUMNS);
  if (page.before !== undefined) query = query.where('position', '<', page.before);
  const rows = (await query.orderBy('position', 'desc').limit(page.limit + 1)) as ExportRow[];
  const items = rows.slice(0, page.limit);
  return { items: items.map(view), next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}

/** What an export is of: the audit trail through filters, or everything about one person. */
type Selection = { readonly kind: 'audit-trail'; readonly filters: AuditFilters } | { readonly kind: 'subject-access'; readonly person: string };

/** Reads a request body: `{ "kind"?: "audit-trail", "filters"?: {…} }` or `{ "kind": "subject-access", "person": id }`. */
function requestedSelection(body: unknown): Selection {
  if (body === undefined || body === null) return { kind: 'audit-trail', filters: {} };
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('expected a JSON object, e.g. { "filters": { "from": "2026-01-01", "type": "PostCreated" } }');
  const { kind = 'audit-trail', filters, person, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ValidationError(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; an export request has "kind" and "filters", or "kind" and "person"`);
  if (kind === 'subject-access') {
    if (filters !== undefined) throw new ValidationError('a subject-access export takes "person", not "filters"');
    if (typeof person !== 'string' || person.length === 0 || person.length > 200) throw new ValidationError('"person" must be the id of a person known to Flurfunk');
    return { kind, person };
  }
  if (kind !== 'audit-trail') throw new ValidationError('"kind" must be "audit-trail" or "subject-access"');
  if (person !== undefined) throw new ValidationError('"person" belongs to a subject-access export ("kind": "subject-access")');
  if (filters === undefined) return { kind, filters: {} };
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) throw new ValidationError('"filters" must be an object with from, to, actor, type, space or stream');
  return { kind, filters: auditFilters(filters as Record<string, unknown>) };
}

/** Jobs this process is running, so shutdown can wait for them and the limit can be kept. */
const running = new Set<Promise<void>>();

/** Takes an export request: recorded, then run in the background; the answer names the job. */
export async function requestExport(deps: ExportJobDeps, caller: Caller, body: unknown): Promise<ExportView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireExporter(ability, 'create');
  const selection = requestedSelection(body);
  if (selection.kind === 'audit-trail' && !ability.can('export', 'AuditLog')) throw new ForbiddenError(reasonFor(ability, 'export', 'AuditLog', 'Exporting the audit trail is for those the policy names (data-protection officers).'));
  if (selection.kind === 'subject-access') {
    requireAccessRequest(ability, caller.principal.id);
    const person = await knownPerson(deps.knex, selection.person);
    if (!person) throw new ValidationError(`no person known to Flurfunk with id "${selection.person}" (a person becomes known at their first sign-in)`);
    requireAccessRequest(ability, caller.principal.id, person);
  }
  const mine: unknown = await deps.knex('audit_exports').where({ requested_by: caller.principal.id, state: 'running' }).first('id');
  if (mine !== undefined) throw new ConflictError('You have an export running; wait until it is ready (GET /api/audit/exports).');
  if (running.size >= RUNNING_LIMIT) throw new ConflictError('The server is busy with other exports; try again in a few minutes.');
  const id = crypto.randomUUID();
  const requested: JsonObject = selection.kind === 'audit-trail' ? { filters: selection.filters as JsonObject } : { personId: selection.person };
  await record(deps, caller, policy, exportStream(id), [{ type: 'AuditExportRequested', data: { exportId: id, kind: selection.kind, ...requested, via: 'api' } }], 0);
  const job = runJob(deps, caller, ability, policy.version, id, selection).finally(() => running.delete(job));
  running.add(job);
  return view(await exportRow(deps.knex, ability, id));
}

async function runJob(deps: ExportJobDeps, caller: Caller, ability: AppAbility, policyVersion: string, id: string, selection: Selection): Promise<void> {
  const context = { actor: caller.principal.id, correlationId: caller.correlationId, policyVersion };
  const file = exportFile(deps.dir, id);
  try {
    fs.mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
    const parts = { knex: deps.knex, store: deps.store, signingKey: deps.signingKey };
    const common = { by: caller.principal.id, ability, policyVersion, out: file, now: deps.clock() };
    const summary: ExportSummary = selection.kind === 'audit-trail' ? await writeAuditExport(parts, { ...common, filters: selection.filters }) : await writeSubjectAccessExport(parts, { ...common, personId: selection.person });
    const keepHours = deps.policy.current.set.limits.exports.keepHours;
    const expiresAt = new Date(deps.clock().getTime() + keepHours * 3_600_000).toISOString();
    const facts = { exportId: id, via: 'api', file: path.basename(file), events: summary.events, manifestSha256: summary.manifestSha256, bytes: summary.bytes, expiresAt };
    const done: NewEvent =
      selection.kind === 'audit-trail'
        ? { type: 'AuditExported', data: { ...facts, filters: selection.filters as JsonObject, firstPosition: summary.first, lastPosition: summary.last } }
        : { type: 'SubjectAccessExported', data: { ...facts, personId: selection.person } };
    try {
      // At version 1: if housekeeping gave the job up meanwhile, its file must not appear.
      await deps.store.append(exportStream(id), [done], { ...context, expectedVersion: 1 });
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
  } catch (err) {
    deps.logger.error({ err, exportId: id }, 'audit export failed');
    await deps.store.append(exportStream(id), [{ type: 'AuditExportFailed', data: { exportId: id, reason: 'error' } }], { ...context, expectedVersion: 1 }).catch((e: unknown) => {
      if (!(e instanceof WrongExpectedVersionError)) deps.logger.error({ err: e, exportId: id }, 'could not record the failed audit export');
    });
  }
}

/** Waits for the exports this process is running (shutdown); the rest is housekeeping's. */
export async function settleRunningExports(timeoutMs: number): Promise<void> {
  if (running.size === 0) return;
  await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
}

/** Where a server keeps export files: inside its data folder, which holds its keys too. */
export function exportsDir(dataDir: string): string {
  return path.join(dataDir, 'exports');
}

export function exportFile(dir: string, id: string): string {
  return path.join(dir, `${id}.zip`);
}

/** The export's state as its own stream tells it, with the version to append at. */
interface StreamState {
  readonly version: number;
  readonly state: ExportState;
  readonly downloads: number;
  readonly expiresAt: Date | undefined;
}

export async function streamState(store: EventStore, id: string): Promise<StreamState> {
  const events = await store.readStream(exportStream(id));
  let state: ExportState = 'running';
  let downloads = 0;
  let expiresAt: Date | undefined;
  for (const e of events) {
    if (e.type === 'AuditExported' || e.type === 'SubjectAccessExported') {
      state = 'ready';
      expiresAt = new Date(e.data.expiresAt as string);
    } else if (e.type === 'AuditExportFailed') state = 'failed';
    else if (e.type === 'AuditExportDownloaded') downloads++;
    else if (e.type === 'AuditExportRemoved') state = 'removed';
  }
  return { version: events.at(-1)?.streamVersion ?? 0, state, downloads, expiresAt };
}

export interface ExportDownload {
  readonly file: string;
  readonly bytes: number;
  readonly name: string;
  /** Call when the answer is over (sent or broken off): removes the file if that was its last download. */
  readonly done: () => Promise<void>;
}

/** Hands out the file: the download is on record before the first byte. */
export async function openExportDownload(deps: ExportJobDeps, caller: Caller, id: string): Promise<ExportDownload> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireExporter(ability, 'read');
  const row = await exportRow(deps.knex, ability, id);
  const current = await streamState(deps.store, row.id);
  if (current.state === 'running') throw new ConflictError('The export is still being written; its state turns "ready" when it can be downloaded.');
  if (current.state !== 'ready') throw new GoneError(current.state === 'failed' ? 'The export failed; request a new one.' : 'The export file was removed (downloaded, expired or deleted); request a new one.');
  const max = policy.set.limits.exports.maxDownloads;
  const file = exportFile(deps.dir, row.id);
  let bytes: number;
  try {
    bytes = fs.statSync(file).size;
  } catch {
    throw new GoneError('The export file is not in this installation\'s exports folder any more; request a new one.');
  }
  const download = current.downloads + 1;
  try {
    await deps.store.append(exportStream(row.id), [{ type: 'AuditExportDownloaded', data: { exportId: row.id, download, bytes } }], { expectedVersion: current.version, actor: caller.principal.id, correlationId: caller.correlationId, policyVersion: policy.version });
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) throw new ConflictError('The export changed while you asked for it (another download, or its removal); look at its state again.');
    throw err;
  }
  const name = `flurfunk-audit-${row.id.slice(0, 8)}.zip`;
  return {
    file,
    bytes,
    name,
    done: async () => {
      if (download < max) return;
      await removeExport(deps, row.id, 'downloaded', { actor: caller.principal.id, correlationId: caller.correlationId, policyVersion: policy.version }).catch((err: unknown) => deps.logger.error({ err, exportId: row.id }, 'could not remove a downloaded audit export'));
    },
  };
}

/** Removes an export's file on request. */
export async function deleteExport(deps: ExportJobDeps, caller: Caller, id: string): Promise<void> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireExporter(ability, 'delete');
  const row = await exportRow(deps.knex, ability, id);
  const current = await streamState(deps.store, row.id);
  if (current.state === 'running') throw new ConflictError('The export is still being written; delete it when it is ready.');
  if (current.state !== 'ready') return; // failed or removed: nothing left to delete
  await removeExport(deps, row.id, 'deleted', { actor: caller.principal.id, correlationId: caller.correlationId, policyVersion: policy.version });
  await deps.projector.waitFor((await deps.store.readStream(exportStream(row.id))).at(-1)!.position);
}

/** The file goes first, then the record says so; run twice, the second finds it removed. */
export async function removeExport(deps: Pick<ExportJobDeps, 'store' | 'dir'>, id: string, because: 'downloaded' | 'expired' | 'deleted', context: { actor: string; correlationId?: string; policyVersion?: string }): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const current = await streamState(deps.store, id);
    if (current.state !== 'ready') return false; // someone else recorded its end first
    fs.rmSync(exportFile(deps.dir, id), { force: true });
    try {
      await deps.store.append(exportStream(id), [{ type: 'AuditExportRemoved', data: { exportId: id, reason: because } }], { ...context, expectedVersion: current.version });
      return true;
    } catch (err) {
      // A download was recorded meanwhile: read again, and record the removal after it.
      if (!(err instanceof WrongExpectedVersionError) || attempt >= 3) throw err;
    }
  }
}
