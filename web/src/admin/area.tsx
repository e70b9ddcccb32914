// The administrators' area (loaded on demand): what the active policy is and does. Its pages
// ask the server, which alone decides who may see them; a refusal shows the policy's reason.
import { useLocation } from 'preact-iso';
import { ExplainPage } from './explain-page.js';
import { PolicyPage } from './policy-page.js';
import { SpacesPage } from './spaces-page.js';
import { t } from './strings.js';
import './admin.css';

const TABS = [
  { href: '/admin', page: 'policy', label: () => t('tabPolicy') },
  { href: '/admin/explain', page: 'explain', label: () => t('tabExplain') },
  { href: '/admin/spaces', page: 'spaces', label: () => t('tabSpaces') },
] as const;

type PageName = (typeof TABS)[number]['page'];

function pageOf(path: string): PageName | undefined {
  const rest = path.replace(/^\/admin/, '').replace(/\/+$/, '');
  return TABS.find((tab) => tab.href === `/admin${rest}`)?.page;
}

export function AdminArea() {
  const { path } = useLocation();
  const page = pageOf(path);
  return (
    <div class="admin">
      <nav class="admin-tabs" aria-label={t('areaNav')}>
        <ul>
          {TABS.map((tab) => (
            <li key={tab.href}>
              <a href={tab.href} aria-current={tab.page === page ? 'page' : undefined}>
                {tab.label()}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {page === 'policy' && <PolicyPage />}
      {page === 'explain' && <ExplainPage />}
      {page === 'spaces' && <SpacesPage />}
      {page === undefined && <h1>{t('title')}</h1>}
    </div>
  );
}
