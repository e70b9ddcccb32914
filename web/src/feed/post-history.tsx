// "Verlauf": every version of a post's text from its events, oldest first, with who wrote
// it and when, so an edit never silently rewrites what others have read.
import { api } from '../api.js';
import { formatDateTime } from '../i18n.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { t } from './strings.js';
import type { HistoryVersion, Post } from './types.js';

export function PostHistory({ post, onClose }: { post: Post; onClose: () => void }) {
  const history = useLoad((signal) => api<{ versions: HistoryVersion[] }>(`/api/posts/${encodeURIComponent(post.id)}/history`, { signal }), [post.id, post.editedAt]);
  const nameOf = (id: string) => (id === post.author.id ? (post.author.name ?? id) : id);
  return (
    <section class="history" aria-label={t('historyTitle')}>
      <p class="history-title">{t('historyTitle')}</p>
      {history.loading && <Loading />}
      {history.error !== undefined && <ProblemNotice error={history.error} onRetry={() => history.reload()} />}
      {history.data && (
        <ol>
          {history.data.versions.map((v, i) => (
            <li key={`${v.at}-${i}`}>
              <p class="muted">
                {t(i === 0 ? 'historyFirst' : 'historyEdit', { n: i + 1, who: nameOf(v.by), when: formatDateTime(v.at) })}
              </p>
              <pre class="history-text">{v.text}</pre>
            </li>
          ))}
        </ol>
      )}
      <button type="button" onClick={onClose}>
        {t('closeHistory')}
      </button>
    </section>
  );
}
