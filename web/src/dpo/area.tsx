// The data-protection officer's area (loaded on demand, so employees never download it): the
// audit trail, exports and subject access, legal holds and retention, each a page of its own
// under /dpo. Who may see what is the server's decision; a page it refuses shows the reason.
import { ErrorBoundary, Route, Router, useLocation } from 'preact-iso';
import { AuditPage } from './audit-page.js';
import { ExportsPage } from './exports-page.js';
import { HoldsPage } from './holds-page.js';
import { RetentionPage } from './retention-page.js';
import { t } from './strings.js';
import './dpo.css';

const SECTIONS = [
  { href: '/dpo', label: 'navAudit' },
  { href: '/dpo/exports', label: 'navExports' },
  { href: '/dpo/holds', label: 'navHolds' },
  { href: '/dpo/retention', label: 'navRetention' },
] as const;

function NotFound() {
  return <p>{t('pageNotFound')}</p>;
}

export function DpoArea() {
  const { path } = useLocation();
  return (
    <div class="dpo">
      <nav class="dpo-nav" aria-label={t('areaNav')}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.href}>
              <a href={s.href} aria-current={path === s.href ? 'page' : undefined}>
                {t(s.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorBoundary>
        <Router>
          <Route path="/" component={AuditPage} />
          <Route path="/exports" component={ExportsPage} />
          <Route path="/holds" component={HoldsPage} />
          <Route path="/retention" component={RetentionPage} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </div>
  );
}
