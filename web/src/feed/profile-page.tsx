// A person's profile: since when they use Flurfunk, following them, writing them a message
// where the server allows, and their posts that the viewer may read, new ones arriving live.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { formatDateTime } from '../i18n.js';
import { me } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { Announcer, useAnnouncer } from './announcer.js';
import { PostListView } from './post-list-view.js';
import { loadSpaces } from './spaces-store.js';
import { t } from './strings.js';
import type { Post, Profile } from './types.js';
import { usePostList } from './use-post-list.js';

export function ProfilePage({ params }: { params: Record<string, string> }) {
  const userId = params.userId ?? '';
  const profile = useLoad((signal) => api<Profile>(`/api/people/${encodeURIComponent(userId)}`, { signal }), [userId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const { message, announce } = useAnnouncer();
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    void loadSpaces().catch(() => undefined);
  }, []);
  const list = usePostList((cursor, signal) => api<Page<Post>>(`/api/people/${encodeURIComponent(userId)}/posts`, { query: { cursor }, signal }), [userId], {
    accept: (post) => post.author.id === userId,
    onArrived: (post) => {
      setFresh((old) => new Set(old).add(post.id));
      if (post.author.id !== me.value?.id) announce(t('newPostFrom', { name: post.author.name ?? post.author.id }));
    },
  });
  const follow = async (p: Profile) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/people/${encodeURIComponent(p.id)}/follow`, { method: p.following ? 'DELETE' : 'PUT' });
      profile.set((old) => old && { ...old, following: !old.following });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (profile.loading) return <Loading />;
  if (profile.error !== undefined || !profile.data) {
    return (
      <div class="feed-page">
        <h1>{t('profileTitle')}</h1>
        <ProblemNotice error={profile.error} />
      </div>
    );
  }
  const p = profile.data;
  const name = p.name ?? p.id;
  return (
    <div class="feed-page">
      <header class="card profile">
        <h1>{name}</h1>
        <p class="muted">
          @{p.id} · {t('memberSince', { when: formatDateTime(p.firstSeenAt) })}
        </p>
        <div class="actions">
          {p.may.follow && (
            <button type="button" class={p.following ? undefined : 'primary'} aria-pressed={p.following} disabled={busy} onClick={() => void follow(p)}>
              {t(p.following ? 'followingPerson' : 'followPerson')}
            </button>
          )}
          {p.may.message && (
            <a class="button" href={`/messages/new?to=${encodeURIComponent(p.id)}`}>
              {t('writeMessage')}
            </a>
          )}
        </div>
        {error !== undefined && <ProblemNotice error={error} />}
      </header>
      <h2>{t('postsOf', { name })}</h2>
      <PostListView list={list} fresh={fresh} empty={<p>{t('profileEmpty')}</p>} />
      <Announcer message={message} />
    </div>
  );
}
