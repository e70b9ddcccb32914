// /notifications: mentions, replies and messages to the caller, newest first, unread ones
// marked; each leads to its post (and comment) or conversation. New ones arrive live at the
// top. "Mark all as read" marks up to the newest one shown, so one arriving meanwhile stays
// unread, and moves the badge in the navigation.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { formatDateTime, formatRelative } from '../i18n.js';
import { onLive } from '../live.js';
import { displayName, refreshUnread } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { t } from './strings.js';
import type { Notification } from './types.js';
import './messages.css';

function isNotification(data: unknown): data is Notification {
  return typeof data === 'object' && data !== null && typeof (data as Notification).position === 'number' && typeof (data as Notification).kind === 'string';
}

function linkOf(n: Notification): string | undefined {
  if (n.postId) return `/posts/${encodeURIComponent(n.postId)}${n.commentId ? `#comment-${n.commentId}` : ''}`;
  if (n.conversationId) return `/messages/${encodeURIComponent(n.conversationId)}`;
  return undefined;
}

function headline(n: Notification): string {
  const name = displayName(n.actor);
  return n.kind === 'mention' ? t('mentioned', { name }) : n.kind === 'reply' ? t('replied', { name }) : t('wroteYou', { name });
}

/** Newest first, each once. */
function merged(a: readonly Notification[], b: readonly Notification[]): Notification[] {
  const byPosition = new Map<number, Notification>();
  for (const n of [...a, ...b]) byPosition.set(n.position, n);
  return [...byPosition.values()].sort((x, y) => y.position - x.position);
}

export function NotificationsPage() {
  const loaded = useLoad((signal) => api<Page<Notification>>('/api/notifications', { signal }), []);
  const [items, setItems] = useState<Notification[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    if (!loaded.data) return;
    setItems((list) => merged(list, loaded.data!.items));
    setNext(loaded.data.next);
  }, [loaded.data]);

  useEffect(
    () =>
      onLive('notification', (data) => {
        if (!isNotification(data)) return;
        setItems((list) => merged(list, [data]));
        setAnnounce(t('newNotification', { text: headline(data) }));
      }),
    [],
  );
  // After a long disconnection the stream says "reset" instead of replaying: read anew.
  useEffect(() => onLive('reset', () => loaded.reload()), []);

  const loadMore = async () => {
    if (!next) return;
    setError(undefined);
    try {
      const page = await api<Page<Notification>>('/api/notifications', { query: { cursor: next } });
      setItems((list) => merged(list, page.items));
      setNext(page.next);
    } catch (err) {
      setError(err);
    }
  };

  const newest = items[0]?.position;
  const anyUnread = items.some((n) => !n.read);
  const markAllRead = async () => {
    if (newest === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/notifications/read', { method: 'POST', body: { upTo: newest } });
      setItems((list) => list.map((n) => (n.position <= newest ? { ...n, read: true } : n)));
      setAnnounce(t('allRead'));
      await refreshUnread();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="notifications">
      <div class="page-head">
        <h1>{t('notificationsTitle')}</h1>
        {anyUnread && (
          <button type="button" onClick={() => void markAllRead()} disabled={busy}>
            {t('markAllRead')}
          </button>
        )}
      </div>
      {loaded.error !== undefined && <ProblemNotice error={loaded.error} onRetry={() => loaded.reload()} />}
      {error !== undefined && <ProblemNotice error={error} />}
      {!loaded.data && loaded.loading && <Loading />}
      {loaded.data && items.length === 0 && <p class="muted">{t('noNotifications')}</p>}
      <p class="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {items.length > 0 && (
        <ul class="notification-list">
          {items.map((n) => {
            const href = linkOf(n);
            return (
              <li key={n.position} class={n.read ? 'notification' : 'notification unread'}>
                <div class="notification-head">
                  {!n.read && <span class="unread-dot">{t('unreadMark')}</span>}
                  {href ? <a href={href}>{headline(n)}</a> : <span>{headline(n)}</span>}
                  <time class="muted small" dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                    {formatRelative(n.createdAt)}
                  </time>
                </div>
                {n.excerpt && <p class="excerpt">{n.excerpt}</p>}
              </li>
            );
          })}
        </ul>
      )}
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
