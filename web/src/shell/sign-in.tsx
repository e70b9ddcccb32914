// The page for people who are not signed in: one button to the identity provider, which
// brings them back to the page they asked for.
import { t } from './strings.js';

export function SignInScreen() {
  const returnTo = location.pathname + location.search;
  const href = `/auth/login${returnTo && returnTo !== '/' ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`;
  return (
    <main id="main" class="sign-in">
      <img src="/icons/icon.svg" alt="" width="96" height="96" />
      <h1>{t('welcome')}</h1>
      <p>{t('tagline')}</p>
      <a class="button primary" href={href}>
        {t('signIn')}
      </a>
      <p class="muted">{t('signInHint')}</p>
    </main>
  );
}
