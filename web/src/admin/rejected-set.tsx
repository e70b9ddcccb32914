// The last set the folder proposed and the server refused: each problem with its file and line,
// so the admin can fix it, and the reassurance that the active set still decides.
import { formatDateTime } from '../i18n.js';
import { Loc } from './location.js';
import { t } from './strings.js';
import type { PolicyOverview } from './types.js';

export function RejectedSet({ rejected }: { rejected: NonNullable<PolicyOverview['lastRejected']> }) {
  return (
    <section class="problem admin-rejected" aria-labelledby="admin-rejected-title">
      <h2 id="admin-rejected-title">
        <span aria-hidden="true">⚠ </span>
        {t('rejectedTitle')}
      </h2>
      <p>{t('rejectedIntro', { at: formatDateTime(rejected.at) })}</p>
      <ul class="admin-problems" aria-label={t('problemCount', { count: rejected.problems.length })}>
        {rejected.problems.map((p, i) => (
          <li key={i}>
            <Loc file={p.file} line={p.line} /> <span>{p.message}</span>
          </li>
        ))}
      </ul>
      <p class="muted">{rejected.version ? t('rejectedVersion', { version: rejected.version.slice(0, 12) }) : t('rejectedUnbuilt')}</p>
      <p>
        <strong>{t('stillActive')}</strong>
      </p>
    </section>
  );
}
