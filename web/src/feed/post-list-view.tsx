// A list of post cards with its states: loading, the reason it failed, an empty list in
// friendly words, and "Mehr laden" for older posts.
import type { ComponentChildren } from 'preact';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t as ui } from '../ui/strings.js';
import { PostCard } from './post-card.js';
import type { PostList } from './use-post-list.js';

export function PostListView({ list, empty, fresh }: { list: PostList; empty: ComponentChildren; fresh?: ReadonlySet<string> }) {
  if (list.loading) return <Loading />;
  if (list.error !== undefined) return <ProblemNotice error={list.error} onRetry={() => list.reload()} />;
  if (list.items.length === 0) return <div class="empty muted">{empty}</div>;
  return (
    <>
      <ul class="post-list">
        {list.items.map((post) => (
          <li key={post.id}>
            <PostCard post={post} onChange={list.replace} onDeleted={list.remove} isNew={fresh?.has(post.id)} />
          </li>
        ))}
      </ul>
      {list.moreError !== undefined && <ProblemNotice error={list.moreError} onRetry={list.more} />}
      {list.hasMore && (
        <div class="actions more">
          <button type="button" disabled={list.loadingMore} onClick={list.more}>
            {list.loadingMore ? ui('loading') : ui('more')}
          </button>
        </div>
      )}
    </>
  );
}
