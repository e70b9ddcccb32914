// Exports: answer a person's subject-access request (GDPR Art. 15) with a signed ZIP of
// everything Flurfunk holds about them, and see every export job with its state, so a file
// started on another page (or by a colleague the policy shows) can still be fetched.
import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { formatBytes, formatDateTime } from '../i18n.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { DownloadLink, ExportStatus, stateText } from './export-status.js';
import { startExport } from './start-export.js';
import { t } from './strings.js';
import type { ExportJob } from './types.js';

function SubjectAccessForm({ onStarted }: { onStarted: () => void }) {
  const [person, setPerson] = useState('');
  const [job, setJob] = useState<ExportJob | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const id = person.trim();
    setInvalid(id === '');
    if (id === '') return;
    setBusy(true);
    setError(undefined);
    try {
      setJob(await startExport({ kind: 'subject-access', person: id }));
      onStarted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="subject-access">
      <h2 id="subject-access">{t('subjectAccessTitle')}</h2>
      <p class="muted">{t('subjectAccessIntro')}</p>
      <form class="card" onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="subject-person">{t('personId')}</label>
          <input id="subject-person" value={person} onInput={(e) => setPerson(e.currentTarget.value)} autoComplete="off" aria-invalid={invalid} aria-describedby={invalid ? 'subject-person-error' : undefined} />
          {invalid && (
            <span id="subject-person-error" class="dpo-error">
              {t('personRequired')}
            </span>
          )}
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('startSubjectAccess')}
          </button>
        </div>
        {error !== undefined && <ProblemNotice error={error} />}
      </form>
      {job && <ExportStatus initial={job} />}
    </section>
  );
}

function what(job: ExportJob): string {
  if (job.kind === 'subject-access') return t('kindSubject', { person: job.person ?? '?' });
  const parts = Object.entries(job.filters).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  return parts.length > 0 ? `${t('kindAudit')} (${parts.join('; ')})` : `${t('kindAudit')} (${t('everything')})`;
}

export function ExportsPage() {
  const jobs = useLoad((signal) => api<Page<ExportJob>>('/api/audit/exports', { query: { limit: 50 }, signal }), []);
  // Whoever may not work with exports sees the refusal only, not a form that cannot succeed.
  if (jobs.error !== undefined) {
    return (
      <>
        <h1>{t('exportsTitle')}</h1>
        <ProblemNotice error={jobs.error} onRetry={() => jobs.reload()} />
      </>
    );
  }
  return (
    <>
      <h1>{t('exportsTitle')}</h1>
      <SubjectAccessForm onStarted={() => jobs.reload()} />
      <section aria-labelledby="export-jobs">
        <h2 id="export-jobs">{t('exportJobs')}</h2>
        {!jobs.data ? (
          <Loading />
        ) : jobs.data.items.length === 0 ? (
          <p class="muted">{t('noExports')}</p>
        ) : (
          <div class="dpo-table-wrap">
            <table class="dpo-table">
              <caption class="visually-hidden">{t('exportJobs')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('requestedAt')}</th>
                  <th scope="col">{t('exportOf')}</th>
                  <th scope="col">{t('requestedBy')}</th>
                  <th scope="col">{t('state')}</th>
                  <th scope="col">{t('size')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('download')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.items.map((job) => (
                  <tr key={job.id}>
                    <td data-label={t('requestedAt')}>{formatDateTime(job.requestedAt)}</td>
                    <td data-label={t('exportOf')} class="dpo-break">
                      {what(job)}
                    </td>
                    <td data-label={t('requestedBy')}>{job.requestedBy}</td>
                    <td data-label={t('state')}>{stateText(job)}</td>
                    <td data-label={t('size')}>{job.bytes === null ? '–' : formatBytes(job.bytes)}</td>
                    <td>
                      <DownloadLink job={job} onDownload={() => setTimeout(() => jobs.reload(), 1500)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="actions">
          <button type="button" onClick={() => jobs.reload()}>
            {t('refresh')}
          </button>
        </div>
      </section>
    </>
  );
}
