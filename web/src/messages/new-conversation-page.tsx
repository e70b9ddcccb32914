// /messages/new (?to=<userId> from a profile): pick people, name a group if it is one, start.
// For one other person the server answers the existing conversation between the two.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, newIdempotencyKey } from '../api.js';
import { me } from '../session.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { PeoplePicker } from './people-picker.js';
import { t } from './strings.js';
import type { Conversation, Person } from './types.js';
import './messages.css';

export function NewConversationPage() {
  const { query, route } = useLocation();
  const myId = me.value!.id;
  const [chosen, setChosen] = useState<Person[]>([]);
  const [title, setTitle] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  // Kept for a retry after a lost answer; a new one once the server has answered.
  const key = useRef(newIdempotencyKey());
  const to = query.to;

  useEffect(() => {
    if (!to || to === myId) return;
    const controller = new AbortController();
    api<Person>(`/api/people/${encodeURIComponent(to)}`, { signal: controller.signal }).then(
      (person) => setChosen((c) => (c.some((p) => p.id === person.id) ? c : [...c, { id: person.id, name: person.name }])),
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(err);
      },
    );
    return () => controller.abort();
  }, [to, myId]);

  const group = chosen.length > 1;
  const submit = async (e: Event) => {
    e.preventDefault();
    setNote(undefined);
    if (chosen.length === 0) {
      setNote(t('pickSomeone'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = { participants: chosen.map((p) => p.id), ...(group && title.trim() !== '' ? { title: title.trim() } : {}) };
      const conversation = await api<Conversation | undefined>('/api/conversations', { method: 'POST', body, idempotencyKey: key.current });
      if (conversation) route(`/messages/${conversation.id}`);
      else setNote(t('startedSoon'));
    } catch (err) {
      if (err instanceof ApiError && err.status !== 0) key.current = newIdempotencyKey();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="new-conversation">
      <p>
        <a href="/messages">← {t('back')}</a>
      </p>
      <h1>{t('newTitle')}</h1>
      <form class="card" onSubmit={(e) => void submit(e)} noValidate>
        <PeoplePicker chosen={chosen} exclude={myId} onChange={setChosen} />
        {group && (
          <div class="field">
            <label for="conversation-title">{t('groupTitle')}</label>
            <input id="conversation-title" type="text" maxLength={100} value={title} aria-describedby="conversation-title-hint" onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
            <span id="conversation-title-hint" class="muted small">
              {t('groupTitleHint')}
            </span>
          </div>
        )}
        {note && (
          <p class="warning" role="status">
            {note}
          </p>
        )}
        {error !== undefined && <ProblemNotice error={error} />}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('starting') : t('start')}
          </button>
        </div>
      </form>
    </section>
  );
}
