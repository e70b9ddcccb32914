// The set that decides now: its version (a hash of its content), when it became active, its files.
import { formatDateTime, formatRelative } from '../i18n.js';
import { t } from './strings.js';
import type { PolicyOverview } from './types.js';

export function ActiveSet({ overview }: { overview: PolicyOverview }) {
  return (
    <section class="card" aria-labelledby="admin-active-title">
      <h2 id="admin-active-title">{t('active')}</h2>
      <dl class="admin-facts">
        <dt>{t('version')}</dt>
        <dd>
          <code class="admin-version" title={overview.version}>
            {overview.version.slice(0, 12)}
          </code>
        </dd>
        <dt>{t('activatedAt')}</dt>
        <dd>
          <time dateTime={overview.activatedAt} title={formatDateTime(overview.activatedAt)}>
            {formatDateTime(overview.activatedAt)} ({formatRelative(overview.activatedAt)})
          </time>
        </dd>
        <dt>{t('files')}</dt>
        <dd>
          <ul class="admin-files">
            {overview.files.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {!overview.lastRejected && <p class="muted">{t('noRejected')}</p>}
    </section>
  );
}
