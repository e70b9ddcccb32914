// Before sending: who will be able to read the post, by the active policy (the server's
// answer, never guessed here), with the names on request and how many known people will not
// see it; a confidential or secret space says so visibly, right above the send button.
import { api } from '../../api.js';
import { Loading } from '../../ui/loading.js';
import { ProblemNotice } from '../../ui/problem-notice.js';
import { useLoad } from '../../ui/use-load.js';
import { t } from '../strings.js';
import { isClosed, type Audience } from '../types.js';

export function AudiencePreview({ spaceId }: { spaceId: string }) {
  const audience = useLoad((signal) => api<Audience>(`/api/spaces/${encodeURIComponent(spaceId)}/audience`, { signal }), [spaceId]);
  if (audience.loading) return <Loading />;
  if (audience.error !== undefined) return <ProblemNotice error={audience.error} onRetry={() => audience.reload()} />;
  const a = audience.data!;
  return (
    <div class="audience">
      <details>
        <summary>{t(a.count === 1 ? 'audienceCountOne' : 'audienceCount', { count: a.count })}</summary>
        <ul class="audience-names">
          {a.readers.map((r) => (
            <li key={r.id}>{r.name ?? r.id}</li>
          ))}
        </ul>
      </details>
      {a.notReaching > 0 && <p class="muted">{t(a.notReaching === 1 ? 'audienceNotReachingOne' : 'audienceNotReaching', { count: a.notReaching })}</p>}
      {isClosed(a.classification) && (
        <p class="warning classification-banner">
          <strong>{t(a.classification === 'secret' ? 'secretSpace' : 'confidentialSpace')}</strong> {t(a.count === 1 ? 'closedAudienceOne' : 'closedAudience', { count: a.count })}
        </p>
      )}
    </div>
  );
}
