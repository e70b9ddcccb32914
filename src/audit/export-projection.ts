// The `audit_exports` read model: one row per export job, kept from its stream `export:<id>`.
import type { Projection } from '../events/projector.js';

export const exportsProjection: Projection = {
  name: 'audit_exports',
  types: new Set(['AuditExportRequested', 'AuditExported', 'SubjectAccessExported', 'AuditExportFailed', 'AuditExportDownloaded', 'AuditExportRemoved']),
  // The CLI's exports (stream audit-exports) are files the operator holds, not jobs.
  accepts: (event) => event.streamId.startsWith('export:'),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const id = e.data.exportId as string;
      switch (e.type) {
        case 'AuditExportRequested':
          await trx('audit_exports').insert({ id, position: e.position, kind: e.data.kind as string, requested_by: e.actor, requested_at: e.occurredAt, selection: JSON.stringify(e.data.kind === 'subject-access' ? { person: e.data.personId } : { filters: e.data.filters }), state: 'running' });
          break;
        case 'AuditExported':
        case 'SubjectAccessExported':
          await trx('audit_exports').where({ id }).update({ state: 'ready', events: e.data.events as number, bytes: e.data.bytes as number, manifest_sha256: e.data.manifestSha256 as string, finished_at: e.occurredAt, expires_at: e.data.expiresAt as string });
          break;
        case 'AuditExportFailed':
          await trx('audit_exports').where({ id }).update({ state: 'failed', failure: e.data.reason as string, finished_at: e.occurredAt });
          break;
        case 'AuditExportDownloaded':
          await trx('audit_exports').where({ id }).update({ downloads: e.data.download as number });
          break;
        case 'AuditExportRemoved':
          await trx('audit_exports').where({ id }).update({ state: 'removed', removed_because: e.data.reason as string });
          break;
      }
    }
  },
  async clear(trx) {
    await trx('audit_exports').delete();
  },
};
