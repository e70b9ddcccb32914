// The composer's "Vorschau": the text rendered by the server's own Markdown renderer, so it
// looks exactly as the post will (nothing is stored).
import { api } from '../../api.js';
import { Loading } from '../../ui/loading.js';
import { ProblemNotice } from '../../ui/problem-notice.js';
import { useLoad } from '../../ui/use-load.js';
import { t } from '../strings.js';

export function MarkdownPreview({ id, text }: { id: string; text: string }) {
  const preview = useLoad((signal) => (text.trim() === '' ? Promise.resolve({ html: '' }) : api<{ html: string }>('/api/preview', { method: 'POST', body: { text }, signal })), [text]);
  return (
    <section id={id} class="preview" aria-label={t('preview')}>
      {preview.loading ? (
        <Loading />
      ) : preview.error !== undefined ? (
        <ProblemNotice error={preview.error} onRetry={() => preview.reload()} />
      ) : preview.data?.html ? (
        // Rendered by the server's Markdown renderer: no raw HTML, only safe links.
        <div class="post-body" dangerouslySetInnerHTML={{ __html: preview.data.html }} />
      ) : (
        <p class="muted">{t('nothingToPreview')}</p>
      )}
    </section>
  );
}
