// /messages/:conversationId: the messages oldest at the top and newest at the bottom (the API
// pages newest first, so each page is turned round; "load older" fetches the next one above),
// new ones arriving live, and the message box stuck to the bottom of the screen. Opening the
// conversation, and every message someone else writes while it is open, marks it read.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { onLive } from '../live.js';
import { displayName, me, refreshUnread } from '../session.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { MessageBox } from './message-box.js';
import { MessageItem } from './message-item.js';
import { t } from './strings.js';
import { conversationName, othersIn, type Conversation, type Message } from './types.js';
import './messages.css';

interface Loaded {
  readonly conversation: Conversation;
  readonly page: Page<Message>;
}

function isMessage(data: unknown): data is Message {
  return typeof data === 'object' && data !== null && typeof (data as Message).id === 'string' && typeof (data as Message).conversationId === 'string';
}

/** Oldest first, each message once (a sent one comes back live too). */
function merged(a: readonly Message[], b: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of [...a, ...b]) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => x.position - y.position);
}

export function ConversationPage({ params }: { params: Record<string, string> }) {
  const id = params.conversationId ?? '';
  const myId = me.value!.id;
  const loaded = useLoad(async (signal): Promise<Loaded> => {
    const path = `/api/conversations/${encodeURIComponent(id)}`;
    const [conversation, page] = await Promise.all([api<Conversation>(path, { signal }), api<Page<Message>>(`${path}/messages`, { signal })]);
    return { conversation, page };
  }, [id]);
  const [messages, setMessages] = useState<Message[]>([]);
  const [older, setOlder] = useState<string | null>(null);
  const [olderError, setOlderError] = useState<unknown>(undefined);
  const [announce, setAnnounce] = useState('');
  const stickToBottom = useRef(true);

  const markRead = useCallback(async () => {
    try {
      await api(`/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST' });
      await refreshUnread();
    } catch {
      // The count stays as it was; the next visit marks it again.
    }
  }, [id]);

  useEffect(() => {
    if (!loaded.data) return;
    // Keep what arrived live while the page loaded; drop another conversation's messages.
    setMessages((list) => merged(list.filter((m) => m.conversationId === id), loaded.data!.page.items));
    setOlder(loaded.data.page.next);
    stickToBottom.current = true;
    void markRead();
  }, [loaded.data, markRead, id]);

  useEffect(
    () =>
      onLive('message', (data) => {
        if (!isMessage(data) || data.conversationId !== id) return;
        stickToBottom.current = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 80;
        setMessages((list) => merged(list, [data]));
        if (data.author.id !== myId) {
          setAnnounce(t('newMessageFrom', { name: displayName(data.author) }));
          void markRead();
        }
      }),
    [id, myId, markRead],
  );

  // New messages at the bottom stay in view, unless the reader scrolled up to older ones;
  // older ones added above keep what the reader was looking at in place.
  const heightBeforeOlder = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const height = document.documentElement.scrollHeight;
    if (heightBeforeOlder.current !== undefined) window.scrollBy(0, height - heightBeforeOlder.current);
    else if (stickToBottom.current) window.scrollTo(0, height);
    heightBeforeOlder.current = undefined;
  }, [messages]);

  const loadOlder = async () => {
    if (!older) return;
    setOlderError(undefined);
    try {
      const page = await api<Page<Message>>(`/api/conversations/${encodeURIComponent(id)}/messages`, { query: { cursor: older } });
      stickToBottom.current = false;
      heightBeforeOlder.current = document.documentElement.scrollHeight;
      setMessages((list) => merged(page.items, list));
      setOlder(page.next);
    } catch (err) {
      setOlderError(err);
    }
  };

  if (loaded.error !== undefined)
    return (
      <section class="conversation">
        <p>
          <a href="/messages">← {t('back')}</a>
        </p>
        <h1>{t('messagesTitle')}</h1>
        <ProblemNotice error={loaded.error} onRetry={() => loaded.reload()} />
      </section>
    );
  // Another conversation's data stays until this one's arrives: never show it under this address.
  if (!loaded.data || loaded.data.conversation.id !== id) return <Loading />;
  const { conversation } = loaded.data;
  const others = othersIn(conversation, myId);
  return (
    <section class="conversation">
      <header class="conversation-head">
        <a href="/messages" class="back-link">
          ← <span class="back-label">{t('back')}</span>
        </a>
        <div>
          <h1>{conversationName(conversation, myId, t('onlyYou'))}</h1>
          {conversation.title && others.length > 0 && <p class="muted small">{t('participants', { names: others.map(displayName).join(', ') })}</p>}
        </div>
      </header>
      {older && (
        <button type="button" class="older" onClick={() => void loadOlder()}>
          {t('olderMessages')}
        </button>
      )}
      {olderError !== undefined && <ProblemNotice error={olderError} />}
      {messages.length === 0 && <p class="muted">{t('noMessages')}</p>}
      <ol class="messages" aria-label={t('messageList')}>
        {messages.map((m) => (
          <MessageItem key={m.id} message={m} mine={m.author.id === myId} onDeleted={(gone) => {
              setMessages((list) => list.filter((x) => x.id !== gone));
              setAnnounce(t('deleted'));
            }} />
        ))}
      </ol>
      <p class="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      <MessageBox
        // A new conversation gets a new box: no draft, upload or retry key crosses to it.
        key={conversation.id}
        conversationId={conversation.id}
        onSent={(message) => {
          stickToBottom.current = true;
          if (message) setMessages((list) => merged(list, [message]));
        }}
      />
    </section>
  );
}
