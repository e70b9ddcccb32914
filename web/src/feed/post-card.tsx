// One post as every list and the detail page show it: who wrote it where and when, whether
// it was edited, its text as the server rendered it, files, reactions, the way to its
// comments, and only the actions the server says this person may take.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatDateTime } from '../i18n.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { AttachmentLinks } from './attachment-links.js';
import { Composer } from './composer/composer.js';
import { PostHistory } from './post-history.js';
import { Reactions } from './reactions.js';
import { RelativeTime } from './relative-time.js';
import { spaceTitle } from './spaces-store.js';
import { t } from './strings.js';
import { isClosed, type Post } from './types.js';

export interface PostCardProps {
  readonly post: Post;
  readonly onChange: (post: Post) => void;
  readonly onDeleted: (postId: string) => void;
  /** Lists link to the post's page for its comments; the post's page itself does not. */
  readonly linkComments?: boolean;
  readonly isNew?: boolean;
}

type Mode = 'view' | 'edit' | 'confirm-delete' | 'history';

export function PostCard({ post, onChange, onDeleted, linkComments = true, isNew = false }: PostCardProps) {
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const authorName = post.author.name ?? post.author.id;
  const postHref = `/posts/${encodeURIComponent(post.id)}`;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = () =>
    run(async () => {
      await api(`/api/posts/${encodeURIComponent(post.id)}`, { method: 'DELETE' });
      onDeleted(post.id);
    });
  const pin = () => run(async () => onChange(await api<Post>(`/api/posts/${encodeURIComponent(post.id)}/pin`, { method: post.pinned ? 'DELETE' : 'PUT' })));

  return (
    <article class={`card post${isNew ? ' is-new' : ''}`} aria-label={t('postBy', { name: authorName })} data-post-id={post.id}>
      <header class="post-head">
        <a class="post-author" href={`/people/${encodeURIComponent(post.author.id)}`}>
          {authorName}
        </a>
        <span class="muted">
          {t('inSpace')} <a href={`/spaces/${encodeURIComponent(post.spaceId)}`}>{spaceTitle(post.spaceId)}</a>
        </span>
        <a class="post-time muted" href={postHref}>
          <RelativeTime iso={post.createdAt} />
        </a>
        {post.editedAt && (
          <span class="tag edited" title={t('editedAt', { when: formatDateTime(post.editedAt) })}>
            {t('edited')}
          </span>
        )}
        {post.pinned && <span class="tag">{t('pinned')}</span>}
        {isClosed(post.classification) && <span class="tag closed">{t(post.classification === 'secret' ? 'secret' : 'confidential')}</span>}
      </header>

      {mode === 'edit' ? (
        <Composer
          kind="edit"
          label={t('editLabel')}
          initialText={post.text}
          submitLabel={t('save')}
          autoFocus
          onCancel={() => setMode('view')}
          onSubmit={async ({ text }) => {
            onChange(await api<Post>(`/api/posts/${encodeURIComponent(post.id)}`, { method: 'PATCH', body: { text } }));
            setMode('view');
          }}
        />
      ) : post.erased ? (
        <p class="muted">{t('erased')}</p>
      ) : (
        // The server renders Markdown to HTML without raw HTML and with safe links only.
        <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
      )}

      <AttachmentLinks attachments={post.attachments} />
      {post.privilegedReads.count > 0 && (
        <p class="muted privileged">{t('privilegedReads', { count: post.privilegedReads.count, when: post.privilegedReads.lastAt ? formatDateTime(post.privilegedReads.lastAt) : '–' })}</p>
      )}

      <footer class="post-foot">
        <Reactions post={post} onChange={onChange} />
        <div class="post-actions">
          {linkComments && <a href={`${postHref}#comments`}>{t('comments')}</a>}
          {post.may.update && mode !== 'edit' && (
            <button type="button" class="link" onClick={() => setMode('edit')}>
              {t('edit')}
            </button>
          )}
          {post.may.readHistory && post.editedAt && (
            <button type="button" class="link" aria-expanded={mode === 'history'} onClick={() => setMode(mode === 'history' ? 'view' : 'history')}>
              {t('history')}
            </button>
          )}
          {post.may.pin && (
            <button type="button" class="link" disabled={busy} onClick={() => void pin()}>
              {t(post.pinned ? 'unpin' : 'pin')}
            </button>
          )}
          {post.may.delete && (
            <button type="button" class="link danger" onClick={() => setMode('confirm-delete')}>
              {t('delete')}
            </button>
          )}
        </div>
      </footer>

      {mode === 'confirm-delete' && (
        <div class="warning confirm">
          <p>{t('confirmDelete')}</p>
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
              {t('deleteNow')}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {mode === 'history' && <PostHistory post={post} onClose={() => setMode('view')} />}
      {error !== undefined && <ProblemNotice error={error} />}
    </article>
  );
}
