// The active policy at a glance: a rejected proposal first (it needs the admin's attention),
// then the set that decides — version, since when, files — and its test results.
import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { ActiveSet } from './active-set.js';
import { RejectedSet } from './rejected-set.js';
import { t } from './strings.js';
import { TestResults } from './test-results.js';
import type { PolicyOverview } from './types.js';

export function PolicyPage() {
  const overview = useLoad((signal) => api<PolicyOverview>('/api/admin/policy', { signal }), []);
  // useLoad's reload is stable across renders, so the listener below may keep the first one.
  const reload = () => overview.reload();
  // Coming back to the tab after editing the files: show what the server made of them.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);
  const data = overview.data;
  return (
    <section aria-labelledby="admin-policy-title">
      <div class="admin-head">
        <h1 id="admin-policy-title">{t('policyTitle')}</h1>
        {data && (
          <button type="button" onClick={reload} disabled={overview.loading}>
            {t('refresh')}
          </button>
        )}
      </div>
      {overview.error !== undefined && <ProblemNotice error={overview.error} onRetry={data ? reload : undefined} />}
      {!data && overview.loading && <Loading />}
      {data && (
        <>
          {data.lastRejected && <RejectedSet rejected={data.lastRejected} />}
          <ActiveSet overview={data} />
          <TestResults tests={data.tests} />
        </>
      )}
    </section>
  );
}
