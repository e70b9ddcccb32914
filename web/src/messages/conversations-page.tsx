// /messages: the caller's conversations, the most recently active first, with what is unread.
// A new message anywhere re-reads the list, so its order and counts follow without a reload.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { formatRelative } from '../i18n.js';
import { onLive } from '../live.js';
import { me } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { t } from './strings.js';
import { conversationName, type Conversation } from './types.js';
import './messages.css';

export function ConversationsPage() {
  const myId = me.value!.id;
  const list = useLoad((signal) => api<Page<Conversation>>('/api/conversations', { signal }), []);
  const [more, setMore] = useState<{ items: Conversation[]; next: string | null; error?: unknown }>({ items: [], next: null });

  // reload is stable for the page's life: subscribe once.
  useEffect(() => {
    const stops = [onLive('message', () => list.reload()), onLive('reset', () => list.reload())];
    return () => stops.forEach((stop) => stop());
  }, []);
  useEffect(() => setMore({ items: [], next: list.data?.next ?? null }), [list.data]);

  const loadMore = async () => {
    if (!more.next) return;
    try {
      const page = await api<Page<Conversation>>('/api/conversations', { query: { cursor: more.next } });
      setMore((m) => ({ items: [...m.items, ...page.items], next: page.next }));
    } catch (error) {
      setMore((m) => ({ ...m, error }));
    }
  };

  const items = [...(list.data?.items ?? []), ...more.items];
  return (
    <section class="conversations">
      <div class="page-head">
        <h1>{t('messagesTitle')}</h1>
        <a class="button primary" href="/messages/new">
          {t('newConversation')}
        </a>
      </div>
      {list.error !== undefined && <ProblemNotice error={list.error} onRetry={() => list.reload()} />}
      {list.data === undefined && list.loading && <Loading />}
      {list.data && items.length === 0 && <p class="muted">{t('noConversations')}</p>}
      {items.length > 0 && (
        <ul class="conversation-list" aria-live="polite">
          {items.map((c) => {
            const name = conversationName(c, myId, t('onlyYou'));
            return (
              <li key={c.id} class={c.unread > 0 ? 'unread' : undefined}>
                <a href={`/messages/${c.id}`}>
                  <span class="conversation-name">{name}</span>
                  {c.unread > 0 && (
                    <span class="badge" aria-label={t('unreadCount', { count: c.unread })}>
                      {c.unread}
                    </span>
                  )}
                </a>
                <span class="muted small">{t('startedAt', { when: formatRelative(c.createdAt) })}</span>
              </li>
            );
          })}
        </ul>
      )}
      {more.error !== undefined && <ProblemNotice error={more.error} />}
      {more.next && (
        <button type="button" onClick={() => void loadMore()}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
