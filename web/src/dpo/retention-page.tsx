// Retention for the DPO: a dry run says what a run would erase now and what legal holds keep
// (nothing changes); below, the last runs and the receipts of what was erased, which prove it
// without showing what it was.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatDateTime } from '../i18n.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { RetentionReportView, ruleText } from './retention-report.js';
import { t } from './strings.js';
import type { RetentionReceipt, RetentionReport, RetentionRule, RetentionRun } from './types.js';

function DryRun() {
  const [report, setReport] = useState<RetentionReport | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setReport(await api<RetentionReport>('/api/retention/runs', { method: 'POST', body: { dryRun: true } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="dry-run" class="card">
      <h2 id="dry-run">{t('dryRunTitle')}</h2>
      <p class="muted">{t('dryRunIntro')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void run()} disabled={busy}>
          {busy ? t('dryRunBusy') : t('startDryRun')}
        </button>
      </div>
      {error !== undefined && <ProblemNotice error={error} />}
      <div aria-live="polite">{report && <RetentionReportView report={report} />}</div>
    </section>
  );
}

function runStatus(run: RetentionRun): string {
  if (run.status === 'running') return t('runRunning');
  if (run.status === 'failed') return t('runFailed', { error: run.error ?? '' });
  return t('runCompleted', { shredded: run.shredded ?? 0, held: run.held ?? 0 });
}

function Runs({ runs }: { runs: readonly RetentionRun[] }) {
  if (runs.length === 0) return <p class="muted">{t('noRuns')}</p>;
  return (
    <div class="dpo-table-wrap">
      <table class="dpo-table">
        <caption class="visually-hidden">{t('runsTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('startedAt')}</th>
            <th scope="col">{t('trigger')}</th>
            <th scope="col">{t('startedBy')}</th>
            <th scope="col">{t('state')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td data-label={t('startedAt')}>{formatDateTime(run.startedAt)}</td>
              <td data-label={t('trigger')}>{t(run.trigger === 'schedule' ? 'triggerSchedule' : run.trigger === 'cli' ? 'triggerCli' : 'triggerApi')}</td>
              <td data-label={t('startedBy')}>{run.startedBy}</td>
              <td data-label={t('state')}>{runStatus(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function receiptWhat(r: RetentionReceipt): string {
  const rule = r.data.rule as RetentionRule | undefined;
  if (r.type === 'ContentShredded' && rule) return t('receiptShredded', { rule: ruleText(rule) });
  return t('receiptErased');
}

function Receipts() {
  const first = useLoad((signal) => api<{ receipts: RetentionReceipt[]; next: string | null }>('/api/retention/receipts', { query: { limit: 50 }, signal }), []);
  const [more, setMore] = useState<{ loading: boolean; error?: unknown }>({ loading: false });
  const loadMore = async () => {
    const after = first.data?.next;
    if (!after) return;
    setMore({ loading: true });
    try {
      const page = await api<{ receipts: RetentionReceipt[]; next: string | null }>('/api/retention/receipts', { query: { limit: 50, after } });
      first.set((data) => data && { receipts: [...data.receipts, ...page.receipts], next: page.next });
      setMore({ loading: false });
    } catch (error) {
      setMore({ loading: false, error });
    }
  };
  if (first.error !== undefined) return <ProblemNotice error={first.error} onRetry={() => first.reload()} />;
  if (!first.data) return <Loading />;
  if (first.data.receipts.length === 0) return <p class="muted">{t('noReceipts')}</p>;
  return (
    <>
      <div class="dpo-table-wrap">
        <table class="dpo-table">
          <caption class="visually-hidden">{t('receiptsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('position')}</th>
              <th scope="col">{t('occurredAt')}</th>
              <th scope="col">{t('stream')}</th>
              <th scope="col">{t('receiptOf')}</th>
              <th scope="col">{t('actor')}</th>
            </tr>
          </thead>
          <tbody>
            {first.data.receipts.map((r) => (
              <tr key={r.position}>
                <td data-label={t('position')}>{r.position}</td>
                <td data-label={t('occurredAt')}>{formatDateTime(r.occurredAt)}</td>
                <td data-label={t('stream')} class="dpo-break">
                  {r.streamId}
                </td>
                <td data-label={t('receiptOf')}>{receiptWhat(r)}</td>
                <td data-label={t('actor')}>{r.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more.error !== undefined && <ProblemNotice error={more.error} />}
      {first.data.next && (
        <div class="actions">
          <button type="button" onClick={() => void loadMore()} disabled={more.loading}>
            {more.loading ? t('loading') : t('more')}
          </button>
        </div>
      )}
    </>
  );
}

export function RetentionPage() {
  // The runs are asked first: whoever may not read retention sees the one refusal, nothing else.
  const runs = useLoad((signal) => api<{ runs: RetentionRun[] }>('/api/retention/runs', { query: { limit: 20 }, signal }), []);
  if (runs.error !== undefined || !runs.data) {
    return (
      <>
        <h1>{t('retentionTitle')}</h1>
        {runs.error !== undefined ? <ProblemNotice error={runs.error} onRetry={() => runs.reload()} /> : <Loading />}
      </>
    );
  }
  return (
    <>
      <h1>{t('retentionTitle')}</h1>
      <p class="muted">{t('retentionIntro')}</p>
      <DryRun />
      <section aria-labelledby="runs">
        <h2 id="runs">{t('runsTitle')}</h2>
        <Runs runs={runs.data.runs} />
      </section>
      <section aria-labelledby="receipts">
        <h2 id="receipts">{t('receiptsTitle')}</h2>
        <Receipts />
      </section>
    </>
  );
}
