// A post with its comments: the comments oldest first, new ones arriving live (announced,
// not focused), and a comment box. A post one may not read answers "not found", exactly as
// one that does not exist.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { onLive } from '../live.js';
import { me } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t as ui } from '../ui/strings.js';
import { useLoad } from '../ui/use-load.js';
import { Announcer, useAnnouncer } from './announcer.js';
import { CommentItem } from './comment-item.js';
import { Composer } from './composer/composer.js';
import { PostCard } from './post-card.js';
import { loadSpaces } from './spaces-store.js';
import { t } from './strings.js';
import type { Comment, Post } from './types.js';

/** Each comment once, oldest first: live ones and later pages may arrive in any order. */
function withoutDuplicates(comments: readonly Comment[]): Comment[] {
  const seen = new Set<string>();
  return comments.filter((c) => !seen.has(c.id) && seen.add(c.id)).sort((a, b) => a.position - b.position);
}

export function PostPage({ params }: { params: Record<string, string> }) {
  const postId = params.postId ?? '';
  const { message, announce } = useAnnouncer();
  const [deleted, setDeleted] = useState(false);
  const post = useLoad((signal) => api<Post>(`/api/posts/${encodeURIComponent(postId)}`, { signal }), [postId]);
  const first = useLoad((signal) => api<Page<Comment>>(`/api/posts/${encodeURIComponent(postId)}/comments`, { signal }), [postId]);
  const [comments, setComments] = useState<readonly Comment[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  useEffect(() => {
    void loadSpaces().catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!first.data) return;
    setComments((live) => withoutDuplicates([...first.data!.items, ...live]));
    setNext(first.data.next);
  }, [first.data]);
  useEffect(() => {
    setComments([]);
    setDeleted(false);
    return onLive('comment', (data) => {
      const comment = data as Comment;
      if (comment?.postId !== postId) return;
      setComments((old) => withoutDuplicates([...old, comment]));
      if (comment.author.id !== me.value?.id) announce(t('newCommentFrom', { name: comment.author.name ?? comment.author.id }));
    });
  }, [postId]);
  const more = () => {
    if (next === null) return;
    setMoreError(undefined);
    api<Page<Comment>>(`/api/posts/${encodeURIComponent(postId)}/comments`, { query: { cursor: next } }).then(
      (page) => {
        setComments((old) => withoutDuplicates([...old, ...page.items]));
        setNext(page.next);
      },
      setMoreError,
    );
  };
  const setPost = (changed: Post) => post.set(() => changed);

  if (post.loading) return <Loading />;
  if (post.error !== undefined || !post.data) {
    return (
      <div class="feed-page">
        <h1>{t('postTitle')}</h1>
        <ProblemNotice error={post.error} />
      </div>
    );
  }
  const p = post.data;
  if (deleted) {
    return (
      <div class="feed-page">
        <h1>{t('postTitle')}</h1>
        <p role="status">{t('postDeleted')}</p>
        <a href={`/spaces/${encodeURIComponent(p.spaceId)}`}>{t('backToSpace')}</a>
      </div>
    );
  }
  return (
    <div class="feed-page">
      <h1>{t('postByTitle', { name: p.author.name ?? p.author.id })}</h1>
      <PostCard post={p} onChange={setPost} onDeleted={() => setDeleted(true)} linkComments={false} />
      <section id="comments" aria-labelledby="comments-heading">
        <h2 id="comments-heading">{t('commentsCount', { count: comments.length })}</h2>
        {first.loading && <Loading />}
        {first.error !== undefined && <ProblemNotice error={first.error} onRetry={() => first.reload()} />}
        {comments.length === 0 && !first.loading && first.error === undefined && <p class="muted">{t('noComments')}</p>}
        <ol class="comment-list">
          {comments.map((c) => (
            <li key={c.id}>
              <CommentItem comment={c} post={p} onPostChange={setPost} />
            </li>
          ))}
        </ol>
        {moreError !== undefined && <ProblemNotice error={moreError} onRetry={more} />}
        {next !== null && (
          <div class="actions more">
            <button type="button" onClick={more}>
              {ui('more')}
            </button>
          </div>
        )}
        <div class="card compose-card">
          <Composer
            kind="comment"
            label={t('commentLabel')}
            submitLabel={t('sendComment')}
            onSubmit={async ({ text }, idempotencyKey) => {
              const comment = await api<Comment>(`/api/posts/${encodeURIComponent(p.id)}/comments`, { method: 'POST', body: { text }, idempotencyKey });
              setComments((old) => withoutDuplicates([...old, comment]));
            }}
          />
        </div>
      </section>
      <Announcer message={message} />
    </div>
  );
}
