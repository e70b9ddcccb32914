// The application: load the session, then either the sign-in screen, the guideline to
// accept, or the pages of every capability inside the shell. The DPO and admin areas load
// on demand, so employees never download them.
import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router, lazy } from 'preact-iso';
import { api } from './api.js';
import { startLive } from './live.js';
import { loadSession, me, refreshUnread } from './session.js';
import type { AreaRoute } from './routes.js';
import { feedRoutes } from './feed/routes.js';
import { messageRoutes } from './messages/routes.js';
import { GuidelineScreen, type Guideline } from './shell/guideline.js';
import { Layout } from './shell/layout.js';
import { MorePage } from './shell/more-page.js';
import { SignInScreen } from './shell/sign-in.js';
import { t } from './shell/strings.js';
import { Loading } from './ui/loading.js';
import { ProblemNotice } from './ui/problem-notice.js';

const DpoArea = lazy(() => import('./dpo/area.js').then((m) => m.DpoArea));
const AdminArea = lazy(() => import('./admin/area.js').then((m) => m.AdminArea));

const routes: AreaRoute[] = [...feedRoutes, ...messageRoutes];

function NotFound() {
  return <p>{t('pageNotFound')}</p>;
}

type Stage = { kind: 'loading' } | { kind: 'failed'; error: unknown } | { kind: 'signed-out' } | { kind: 'guideline'; guideline: Guideline } | { kind: 'ready' };

export function App() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const start = async () => {
    setStage({ kind: 'loading' });
    try {
      const who = await loadSession();
      if (!who) {
        setStage({ kind: 'signed-out' });
        return;
      }
      const [guideline] = await Promise.all([api<Guideline>('/api/guideline').catch(() => undefined), refreshUnread()]);
      startLive();
      setStage(guideline && !guideline.accepted ? { kind: 'guideline', guideline } : { kind: 'ready' });
    } catch (error) {
      setStage({ kind: 'failed', error });
    }
  };
  useEffect(() => {
    void start();
  }, []);

  switch (stage.kind) {
    case 'loading':
      return <Loading />;
    case 'failed':
      return (
        <main id="main">
          <h1>{t('loadFailed')}</h1>
          <ProblemNotice error={stage.error} onRetry={() => void start()} />
        </main>
      );
    case 'signed-out':
      return <SignInScreen />;
    case 'guideline':
      return <GuidelineScreen guideline={stage.guideline} onDone={() => setStage({ kind: 'ready' })} />;
    case 'ready':
      if (!me.value) return <SignInScreen />;
      return (
        <LocationProvider>
          <Layout>
            <ErrorBoundary>
              <Router>
                {[
                  ...routes.map((r) => <Route key={r.path} path={r.path} component={r.component} />),
                  <Route key="dpo-home" path="/dpo" component={DpoArea} />,
                  <Route key="dpo" path="/dpo/*" component={DpoArea} />,
                  <Route key="admin" path="/admin/*" component={AdminArea} />,
                  <Route key="admin-home" path="/admin" component={AdminArea} />,
                  <Route key="more" path="/more" component={MorePage} />,
                  <Route key="404" default component={NotFound} />,
                ]}
              </Router>
            </ErrorBoundary>
          </Layout>
        </LocationProvider>
      );
  }
}
