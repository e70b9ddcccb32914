// One comment: who, when, the text as the server rendered it, and whether it answers the
// post, with marking it as the answer where the server allows.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { RelativeTime } from './relative-time.js';
import { t } from './strings.js';
import type { Comment, Post } from './types.js';

export function CommentItem({ comment, post, onPostChange }: { comment: Comment; post: Post; onPostChange: (post: Post) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const isAnswer = post.answerId === comment.id;
  const name = comment.author.name ?? comment.author.id;
  const mark = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const path = `/api/posts/${encodeURIComponent(post.id)}/answer`;
      onPostChange(await api<Post>(path, isAnswer ? { method: 'DELETE' } : { method: 'PUT', body: { commentId: comment.id } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class={`comment${isAnswer ? ' is-answer' : ''}`} aria-label={t('commentBy', { name })} id={`comment-${comment.id}`} data-comment-id={comment.id}>
      <header class="post-head">
        <a class="post-author" href={`/people/${encodeURIComponent(comment.author.id)}`}>
          {name}
        </a>
        <span class="muted">
          <RelativeTime iso={comment.createdAt} />
        </span>
        {isAnswer && <span class="tag answer">{t('answer')}</span>}
      </header>
      {/* Rendered by the server's Markdown renderer: no raw HTML, only safe links. */}
      <div class="post-body" dangerouslySetInnerHTML={{ __html: comment.html }} />
      {comment.may.markAnswer && (
        <button type="button" class="link" disabled={busy} onClick={() => void mark()}>
          {t(isAnswer ? 'unmarkAnswer' : 'markAnswer')}
        </button>
      )}
      {error !== undefined && <ProblemNotice error={error} />}
    </article>
  );
}
