// One space: what it is, following it, writing in it when the policy allows (otherwise why
// not), its pinned posts and its posts, with new ones of this space arriving live.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { me } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t as ui } from '../ui/strings.js';
import { useLoad } from '../ui/use-load.js';
import { Announcer, useAnnouncer } from './announcer.js';
import { ClassificationTag } from './classification-tag.js';
import { NewPost } from './new-post.js';
import { PostCard } from './post-card.js';
import { PostListView } from './post-list-view.js';
import { SpaceFollow } from './space-follow.js';
import { loadSpaces, spaces } from './spaces-store.js';
import { t } from './strings.js';
import type { Post, Space } from './types.js';
import { usePostList } from './use-post-list.js';

export function SpacePage({ params }: { params: Record<string, string> }) {
  const spaceId = params.spaceId ?? '';
  const [error, setError] = useState<unknown>(undefined);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    loadSpaces(true).then(
      () => setLoaded(true),
      (err: unknown) => setError(err),
    );
  }, [spaceId]);
  const space = spaces.value?.find((s) => s.id === spaceId);
  if (error !== undefined) return <ProblemNotice error={error} />;
  if (!loaded && !space) return <Loading />;
  // A space one may not read is not in the list: it looks exactly like one that does not exist.
  if (!space) {
    return (
      <div class="feed-page">
        <h1>{t('spaceTitle')}</h1>
        <p class="problem">{ui('notFound')}</p>
      </div>
    );
  }
  return <SpaceView key={space.id} space={space} />;
}

function SpaceView({ space }: { space: Space }) {
  const spaceId = space.id;
  const { message, announce } = useAnnouncer();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const list = usePostList((cursor, signal) => api<Page<Post>>(`/api/spaces/${encodeURIComponent(spaceId)}/posts`, { query: { cursor }, signal }), [spaceId], {
    accept: (post) => post.spaceId === spaceId,
    onArrived: (post) => {
      setFresh((old) => new Set(old).add(post.id));
      if (post.author.id !== me.value?.id) announce(t('newPostFrom', { name: post.author.name ?? post.author.id }));
    },
  });
  const pinned = useLoad((signal) => api<Page<Post>>(`/api/spaces/${encodeURIComponent(spaceId)}/pinned`, { signal }), [spaceId]);
  const setPinned = (post: Post) => {
    list.replace(post);
    pinned.set((page) => page && { ...page, items: post.pinned ? [post, ...page.items.filter((p) => p.id !== post.id)] : page.items.filter((p) => p.id !== post.id) });
  };
  const pinnedPosts = pinned.data?.items ?? [];
  return (
    <div class="feed-page">
      <h1>
        {space.title} <ClassificationTag classification={space.classification} />
      </h1>
      {space.description && <p class="muted">{space.description}</p>}
      <SpaceFollow space={space} />
      {space.may.post ? (
        <section class="card compose-card" aria-labelledby="compose-heading">
          <h2 id="compose-heading" class="visually-hidden">
            {t('writePost')}
          </h2>
          <NewPost spaceId={space.id} spaceTitle={space.title} onCreated={list.add} />
        </section>
      ) : (
        <p class="notice read-only">{t('readOnlySpaceLong')}</p>
      )}
      {pinnedPosts.length > 0 && (
        <section aria-labelledby="pinned-heading">
          <h2 id="pinned-heading">{t('pinnedPosts')}</h2>
          <ul class="post-list">
            {pinnedPosts.map((post) => (
              <li key={post.id}>
                <PostCard post={post} onChange={setPinned} onDeleted={(id) => pinned.set((page) => page && { ...page, items: page.items.filter((p) => p.id !== id) })} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <h2>{t('posts')}</h2>
      <PostListView list={{ ...list, replace: setPinned }} fresh={fresh} empty={<p>{t('spaceEmpty')}</p>} />
      <Announcer message={message} />
    </div>
  );
}
