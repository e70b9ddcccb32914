// On a phone the tab bar has room for the everyday pages only; "Mehr" lists the rest: one's
// profile and, for those who have them, the data-protection and administration areas.
import { csrf } from '../api.js';
import { hasRole, me } from '../session.js';
import { t } from './strings.js';

export function MorePage() {
  const who = me.value!;
  return (
    <section>
      <h1>{t('more')}</h1>
      <ul class="more-list">
        <li>
          <a href={`/people/${encodeURIComponent(who.id)}`}>{t('profile')}</a>
        </li>
        {hasRole('dpo') && (
          <li>
            <a href="/dpo">{t('dpo')}</a>
          </li>
        )}
        {hasRole('admin') && (
          <li>
            <a href="/admin">{t('admin')}</a>
          </li>
        )}
      </ul>
      <form method="post" action="/auth/logout">
        <input type="hidden" name="csrfToken" value={csrf() ?? ''} />
        <button type="submit">{t('signOut')}</button>
      </form>
    </section>
  );
}
