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

/** Who is signed in, the guideline to accept, the unread counts, then the live stream. */
async function boot(): Promise<Stage> {
  try {
    const who = await loadSession();
    if (!who) return { kind: 'signed-out' };
    const [guideline] = await Promise.all([api<Guideline>('/api/guideline').catch(() => undefined), refreshUnread()]);
    startLive();
    return guideline && !guideline.accepted ? { kind: 'guideline', guideline } : { kind: 'ready' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}

// Started when the script runs, not in an effect after the first paint: on a slow device a
// paint can take longer than the requests themselves (bench/README.md, web UI).
let firstBoot: Promise<Stage> | undefined = boot();

export function App() {
  const [stage, setStage] = useState<Stage>({ kind: 'loading' });
  const start = (booting: Promise<Stage> = boot()) => {
    setStage({ kind: 'loading' });
    void booting.then(setStage);
  };
  useEffect(() => {
    const booting = firstBoot;
    firstBoot = undefined;
    start(booting);
  }, []);

  switch (stage.kind) {
    case 'loading':
      return <Loading />;
    case 'failed':
      return (
        <main id="main">
          <h1>{t('loadFailed')}</h1>
          <ProblemNotice error={stage.error} onRetry={() => start()} />
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
