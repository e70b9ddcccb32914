// The audit trail search: filters, a page of events (newest first) with more on demand, an
// event's full record, and a signed export of exactly what the filters select. The catalogue
// is asked first: whoever the policy does not let read the audit trail sees its refusal and
// nothing else, and no events query is made for them.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, type Page } from '../api.js';
import { formatDateTime } from '../i18n.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { AuditFilterForm } from './audit-filter-form.js';
import { EventDetail } from './event-detail.js';
import { ExportStatus } from './export-status.js';
import { filtersOf, type AuditFilters } from './filters.js';
import { startExport } from './start-export.js';
import { t } from './strings.js';
import type { AuditEvent, CatalogueEntry, ExportJob } from './types.js';

const PAGE = 50;

function AuditResults({ filters, catalogue }: { filters: AuditFilters; catalogue: readonly CatalogueEntry[] }) {
  const key = JSON.stringify(filters);
  const events = useLoad((signal) => api<Page<AuditEvent>>('/api/audit/events', { query: { ...filters, limit: PAGE }, signal }), [key]);
  const [selected, setSelected] = useState<AuditEvent | undefined>(undefined);
  const [more, setMore] = useState<{ loading: boolean; error?: unknown }>({ loading: false });

  const loadMore = async () => {
    const cursor = events.data?.next;
    if (!cursor) return;
    setMore({ loading: true });
    try {
      const page = await api<Page<AuditEvent>>('/api/audit/events', { query: { ...filters, limit: PAGE, cursor } });
      events.set((data) => data && { items: [...data.items, ...page.items], next: page.next });
      setMore({ loading: false });
    } catch (error) {
      setMore({ loading: false, error });
    }
  };

  if (events.error !== undefined) return <ProblemNotice error={events.error} onRetry={() => events.reload()} />;
  if (!events.data) return <Loading />;
  const { items, next } = events.data;
  return (
    <section aria-labelledby="audit-results">
      <h2 id="audit-results">{t('results')}</h2>
      <p role="status" aria-live="polite" class="muted">
        {items.length === 0 ? t('noEvents') : next ? t('eventsShownMore', { count: items.length }) : t(items.length === 1 ? 'eventsShownOne' : 'eventsShown', { count: items.length })}
      </p>
      {items.length > 0 && (
        <div class="dpo-table-wrap">
          <table class="dpo-table">
            <caption class="visually-hidden">{t('results')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('position')}</th>
                <th scope="col">{t('occurredAt')}</th>
                <th scope="col">{t('type')}</th>
                <th scope="col">{t('actor')}</th>
                <th scope="col">{t('stream')}</th>
                <th scope="col">{t('space')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('details')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.position}>
                  <td data-label={t('position')}>{e.position}</td>
                  <td data-label={t('occurredAt')}>
                    <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
                  </td>
                  <td data-label={t('type')}>{e.type}</td>
                  <td data-label={t('actor')}>{e.actor}</td>
                  <td data-label={t('stream')} class="dpo-break">
                    {e.streamId}
                  </td>
                  <td data-label={t('space')}>{e.spaceId ?? '–'}</td>
                  <td>
                    <button type="button" class="link" onClick={() => setSelected(e)} aria-label={t('detailsOf', { type: e.type, position: e.position })}>
                      {t('details')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more.error !== undefined && <ProblemNotice error={more.error} />}
      {next && (
        <div class="actions">
          <button type="button" onClick={() => void loadMore()} disabled={more.loading}>
            {more.loading ? t('loading') : t('more')}
          </button>
        </div>
      )}
      {selected && <EventDetail event={selected} entry={catalogue.find((c) => c.type === selected.type)} onClose={() => setSelected(undefined)} />}
    </section>
  );
}

function StartExport({ filters }: { filters: AuditFilters }) {
  const [job, setJob] = useState<ExportJob | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setJob(await startExport({ filters }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="audit-export" class="dpo-export-start">
      <h2 id="audit-export">{t('exportTitle')}</h2>
      <p class="muted">{Object.keys(filters).length > 0 ? t('exportHintFiltered') : t('exportHintAll')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void start()} disabled={busy || job?.state === 'running'}>
          {t('startExport')}
        </button>
      </div>
      {error !== undefined && <ProblemNotice error={error} />}
      {job && <ExportStatus initial={job} />}
    </section>
  );
}

export function AuditPage() {
  const { query } = useLocation();
  const filters = filtersOf(query);
  const catalogue = useLoad((signal) => api<Page<CatalogueEntry>>('/api/audit/catalogue', { signal }), []);
  // Suggestions for the space filter only; the audit trail itself covers every space.
  const spaces = useLoad((signal) => api<Page<{ id: string }>>('/api/spaces', { signal }).catch(() => ({ items: [], next: null })), []);
  return (
    <>
      <h1>{t('auditTitle')}</h1>
      {catalogue.error !== undefined ? (
        <ProblemNotice error={catalogue.error} />
      ) : !catalogue.data ? (
        <Loading />
      ) : (
        <>
          <p class="muted">{t('auditIntro')}</p>
          <AuditFilterForm catalogue={catalogue.data.items} filters={filters} spaces={spaces.data?.items.map((s) => s.id) ?? []} />
          <AuditResults key={JSON.stringify(filters)} filters={filters} catalogue={catalogue.data.items} />
          <StartExport key={JSON.stringify(filters)} filters={filters} />
        </>
      )}
    </>
  );
}
