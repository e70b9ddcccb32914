// Starting an export answers 202 with the job in the body, which the shared api() helper
// drops for every 202 ("recorded, nothing to show yet"): here the job is the answer.
import { ApiError, csrf, type Problem } from '../api.js';
import type { ExportJob } from './types.js';

export async function startExport(body: { filters: Readonly<Record<string, string>> } | { kind: 'subject-access'; person: string }): Promise<ExportJob> {
  let res: Response;
  try {
    res = await fetch('/api/audit/exports', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json', ...(csrf() ? { 'x-csrf-token': csrf()! } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError({ type: 'urn:flurfunk:problem:offline', title: 'Network error', status: 0 });
  }
  const answer = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) throw new ApiError((answer as Problem | undefined) ?? { type: 'about:blank', title: res.statusText || 'Error', status: res.status });
  return answer as ExportJob;
}
