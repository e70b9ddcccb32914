// `flurfunk audit export` and `flurfunk audit subject-access`: signed exports of the audit trail
// for auditors, and of everything about one person for that person (GDPR Art. 15), each made on
// the authority of a person the policy allows (--as). Their verification is in audit-verify.ts.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { ForbiddenError, UsageError, ValidationError } from '../errors.js';
import { auditFilters, type AuditFilters } from '../audit/audit-queries.js';
import { writeAuditExport } from '../audit/export.js';
import { writeSubjectAccessExport } from '../audit/subject-access.js';
import { knownUsers } from '../identity/user-directory.js';
import { createLogger } from '../log/logger.js';
import { reasonFor } from '../posts/commands.js';
import { startRuntime, type Runtime } from '../runtime.js';

/** The stream that records every export. */
export const AUDIT_EXPORTS_STREAM = 'audit-exports';

export interface ExportOptions {
  readonly as: string;
  readonly out: string;
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly space?: string;
  readonly type?: string;
  readonly stream?: string;
}

export async function auditExportCommand(options: ExportOptions): Promise<void> {
  let filters;
  try {
    filters = auditFilters(Object.fromEntries(Object.entries({ from: options.from, to: options.to, actor: options.actor, space: options.space, type: options.type, stream: options.stream }).filter(([, v]) => v !== undefined)));
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/"(\w+)"/, '--$1'));
  }
  checkedOut(options.out);
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const runtime = await startRuntime(config, logger, { migrate: false, policy: { watch: false } });
  try {
    await exportAs(runtime, options.as, filters, options.out);
  } finally {
    await runtime.close();
  }
}

/** Writes a signed audit export on a person's authority (AuditLog: export) and records it; prints its summary. */
export async function exportAs(runtime: Runtime, as: string, filters: AuditFilters, out: string): Promise<void> {
  const policy = runtime.policy!.current;
  const person = (await knownUsers(runtime.db.knex)).find((u) => u.id === as);
  if (!person) throw new UsageError(`--as ${as}: no such person has signed in to Flurfunk`);
  const ability = policy.abilityFor(policy.principal({ id: person.id, groups: person.groups, name: person.name }));
  if (!ability.can('export', 'AuditLog')) throw new ForbiddenError(`${as} may not export the audit trail: ${reasonFor(ability, 'export', 'AuditLog', 'the policy names no rule that allows it')}`);
  const summary = await writeAuditExport({ knex: runtime.db.knex, store: runtime.store, signingKey: runtime.signingKey }, { filters, by: person.id, ability, policyVersion: policy.version, out, now: runtime.clock() });
  await runtime.store.append(
    AUDIT_EXPORTS_STREAM,
    [{ type: 'AuditExported', data: { via: 'cli', file: path.basename(summary.file), filters: filters as never, events: summary.events, firstPosition: summary.first, lastPosition: summary.last, manifestSha256: summary.manifestSha256 } }],
    { expectedVersion: 'any', actor: person.id, policyVersion: policy.version },
  );
  console.log(`exported ${summary.events} events (positions ${summary.first ?? '-'}–${summary.last ?? '-'}) to ${summary.file} (${summary.bytes} bytes, manifest SHA-256 ${summary.manifestSha256})`);
}

/** --out names a .zip in a folder that exists (checked before the database is opened). */
export function checkedOut(out: string): string {
  if (!out.endsWith('.zip')) throw new UsageError('--out must name a .zip file');
  const dir = path.dirname(path.resolve(out));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--out ${out}: the folder ${dir} does not exist`);
  return out;
}

export async function subjectAccessCommand(options: { as: string; person: string; out: string }): Promise<void> {
  const out = checkedOut(options.out);
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const runtime = await startRuntime(config, logger, { migrate: false, policy: { watch: false } });
  try {
    const policy = runtime.policy!.current;
    const exporter = (await knownUsers(runtime.db.knex)).find((u) => u.id === options.as);
    if (!exporter) throw new UsageError(`--as ${options.as}: no such person has signed in to Flurfunk`);
    const ability = policy.abilityFor(policy.principal({ id: exporter.id, groups: exporter.groups, name: exporter.name }));
    let summary;
    try {
      summary = await writeSubjectAccessExport({ knex: runtime.db.knex, store: runtime.store, signingKey: runtime.signingKey }, { personId: options.person, by: exporter.id, ability, policyVersion: policy.version, out, now: runtime.clock() });
    } catch (err) {
      // The one validation failure is an unknown person: a usage error of --person.
      if (err instanceof ValidationError) throw new UsageError(`--person ${options.person}: ${err.message}`);
      throw err;
    }
    await runtime.store.append(
      AUDIT_EXPORTS_STREAM,
      [{ type: 'SubjectAccessExported', data: { via: 'cli', personId: options.person, file: path.basename(summary.file), events: summary.events, manifestSha256: summary.manifestSha256 } }],
      { expectedVersion: 'any', actor: exporter.id, policyVersion: policy.version },
    );
    console.log(`exported what Flurfunk holds about ${options.person}: ${summary.events} events and subject.json to ${summary.file} (${summary.bytes} bytes, manifest SHA-256 ${summary.manifestSha256})`);
  } finally {
    await runtime.close();
  }
}
