// The one loading indicator: announced to screen readers, quiet for everyone else.
import { t } from './strings.js';

export function Loading() {
  return (
    <p class="loading" role="status" aria-live="polite">
      {t('loading')}
    </p>
  );
}
