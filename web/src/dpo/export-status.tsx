// Follows one export job until the server has written it, then offers the ZIP. The state is
// announced politely, so a screen reader hears "ready" without hunting for it. The download
// is an ordinary same-origin link: the browser saves the file, the session cookie authorises.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatBytes, formatDateTime } from '../i18n.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';
import type { ExportJob } from './types.js';

const POLL_MS = 1000;

export function downloadHref(job: ExportJob): string {
  return `/api/audit/exports/${encodeURIComponent(job.id)}/download`;
}

export function stateText(job: ExportJob): string {
  switch (job.state) {
    case 'running':
      return t('exportRunning');
    case 'ready':
      return t(job.events === 1 ? 'exportReadyOne' : 'exportReady', { events: job.events ?? 0, size: formatBytes(job.bytes ?? 0) });
    case 'failed':
      return t('exportFailed', { why: job.failure ?? '' });
    case 'removed':
      return job.removedBecause === 'downloaded' ? t('exportDownloaded') : t('exportRemoved', { why: job.removedBecause ?? '' });
  }
}

export function DownloadLink({ job, onDownload }: { job: ExportJob; onDownload?: () => void }) {
  if (job.state !== 'ready') return null;
  return (
    <a class="button primary" href={downloadHref(job)} download onClick={onDownload}>
      {t('download')}
    </a>
  );
}

export function ExportStatus({ initial }: { initial: ExportJob }) {
  const [job, setJob] = useState(initial);
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  useEffect(() => setJob(initial), [initial]);
  useEffect(() => {
    // Poll while the server writes, and for a few seconds after a download (which may remove the file).
    if (job.state !== 'running' && round === 0) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<ExportJob>(`/api/audit/exports/${encodeURIComponent(job.id)}`, { signal: controller.signal }).then(
        (next) => {
          setRound((r) => (next.state === 'ready' ? Math.max(r - 1, 0) : 0));
          setJob(next);
        },
        (err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(err);
        },
      );
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [job, round]);

  return (
    <div class="card dpo-export" data-state={job.state}>
      <p role="status" aria-live="polite">
        <strong>{stateText(job)}</strong>
      </p>
      {job.state === 'ready' && (
        <>
          <p class="muted">
            {t('manifestSha')} <code class="dpo-hash">{job.manifestSha256}</code>
          </p>
          {job.expiresAt && <p class="muted">{t('expiresAt', { when: formatDateTime(job.expiresAt) })}</p>}
        </>
      )}
      {error !== undefined && <ProblemNotice error={error} />}
      <div class="actions">
        <DownloadLink job={job} onDownload={() => setRound(5)} />
        <a href="/dpo/exports">{t('allExports')}</a>
      </div>
    </div>
  );
}
