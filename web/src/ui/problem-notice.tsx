// Shows why something failed in words a person can act on: a refusal with the policy's own
// reason (the server's problem detail), "not found" without telling whether it exists, and
// for unexpected failures the request id to quote.
import { ApiError } from '../api.js';
import { t } from './strings.js';

export function problemText(error: unknown): string {
  if (!(error instanceof ApiError)) return t('failed');
  const { status, detail } = error.problem;
  if (status === 0) return t('offline');
  if (status === 401) return t('signInAgain');
  if (status === 404) return t('notFound');
  if (status === 403) return detail ? `${t('forbidden')}: ${detail}` : t('forbidden');
  return detail ?? t('failed');
}

export function ProblemNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const requestId = error instanceof ApiError && error.status >= 500 ? error.problem.requestId : undefined;
  return (
    <div class="problem" role="alert">
      <p>{problemText(error)}</p>
      {requestId && <p class="muted">{t('requestId', { id: requestId })}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}
