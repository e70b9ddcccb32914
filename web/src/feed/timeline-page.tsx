// The home timeline: posts of followed spaces, people and #topics, mentions and one's own,
// newest first; new ones arrive live and are announced politely. Writing starts right here
// in a space of one's choice.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { me } from '../session.js';
import { Announcer, useAnnouncer } from './announcer.js';
import { NewPost } from './new-post.js';
import { PostListView } from './post-list-view.js';
import { loadSpaces, spaces } from './spaces-store.js';
import { t } from './strings.js';
import type { FollowedItem, Post } from './types.js';
import { usePostList } from './use-post-list.js';

function useFollowing(): readonly FollowedItem[] {
  const [items, setItems] = useState<readonly FollowedItem[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    api<Page<FollowedItem>>('/api/me/following', { signal: controller.signal }).then(
      (page) => setItems(page.items),
      () => undefined, // without it, live posts of followed people and topics wait for a reload
    );
    return () => controller.abort();
  }, []);
  return items;
}

export function TimelinePage() {
  const following = useFollowing();
  const { message, announce } = useAnnouncer();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [target, setTarget] = useState<string | undefined>(undefined);
  // Closed at first, so a phone shows posts rather than an empty form.
  const [composing, setComposing] = useState(false);
  useEffect(() => {
    void loadSpaces(true).catch(() => undefined);
  }, []);
  const userId = me.value!.id;
  // The same choice as the server's timeline (src/posts/post-queries.ts timelinePosts).
  const belongs = (post: Post) =>
    post.author.id === userId ||
    post.mentions.includes(userId) ||
    (spaces.value ?? []).some((s) => s.id === post.spaceId && s.following && !s.muted) ||
    following.some((f) => (f.kind === 'person' && f.id === post.author.id) || (f.kind === 'topic' && post.topics.includes(f.id)));
  const list = usePostList((cursor, signal) => api<Page<Post>>('/api/timeline', { query: { cursor }, signal }), [], {
    accept: belongs,
    onArrived: (post) => {
      setFresh((old) => new Set(old).add(post.id));
      if (post.author.id !== userId) announce(t('newPostFrom', { name: post.author.name ?? post.author.id }));
    },
  });
  const postable = (spaces.value ?? []).filter((s) => s.may.post);
  const chosen = postable.find((s) => s.id === target) ?? postable.find((s) => s.id === 'all-company') ?? postable[0];

  return (
    <div class="feed-page">
      <h1>{t('timelineTitle')}</h1>
      {chosen && (
        <section class="card compose-card" aria-labelledby="compose-heading">
          <h2 id="compose-heading" class="visually-hidden">
            {t('writePost')}
          </h2>
          {composing ? (
            <>
              <div class="field inline-field">
                <label for="compose-space">{t('postIn')}</label>
                <select id="compose-space" value={chosen.id} onChange={(e) => setTarget(e.currentTarget.value)}>
                  {postable.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title}
                    </option>
                  ))}
                </select>
              </div>
              <NewPost spaceId={chosen.id} spaceTitle={chosen.title} onCreated={list.add} autoFocus />
            </>
          ) : (
            <button type="button" class="compose-open" onClick={() => setComposing(true)}>
              {t('whatsNew')}
            </button>
          )}
        </section>
      )}
      <h2 class="visually-hidden">{t('posts')}</h2>
      <PostListView
        list={list}
        fresh={fresh}
        empty={
          <p>
            {t('timelineEmpty')} <a href="/spaces">{t('toSpaces')}</a>
          </p>
        }
      />
      <Announcer message={message} />
    </div>
  );
}
