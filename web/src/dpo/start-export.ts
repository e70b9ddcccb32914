// Starting an export answers 202 with the job: the export runs in the background.
import { api } from '../api.js';
import type { ExportJob } from './types.js';

export function startExport(body: { filters: Readonly<Record<string, string>> } | { kind: 'subject-access'; person: string }): Promise<ExportJob> {
  return api<ExportJob>('/api/audit/exports', { method: 'POST', body });
}
