// Writing in a conversation: a textarea (Ctrl/Cmd+Enter sends, Enter is a new line, as the
// hint says), files uploaded to the conversation with progress and the server's own reason
// when one is refused (too large, a type the policy does not allow), and one Idempotency-Key
// per message, so a retry after a lost answer never sends it twice.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, newIdempotencyKey, upload } from '../api.js';
import { formatBytes } from '../i18n.js';
import { problemText } from '../ui/problem-notice.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';
import type { Attachment, Message } from './types.js';
import { Icon } from '../ui/icons.js';
import { charCount } from '../ui/char-count.js';
import { useLimits } from '../ui/limits.js';

interface Upload {
  readonly key: string;
  readonly name: string;
  readonly fraction: number;
  readonly error?: string;
}

export function MessageBox({ conversationId, onSent }: { conversationId: string; onSent: (message: Message | undefined) => void }) {
  const [text, setText] = useState('');
  const [attached, setAttached] = useState<Attachment[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [note, setNote] = useState<string | undefined>(undefined);
  const key = useRef(newIdempotencyKey());
  const fileInput = useRef<HTMLInputElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);

  const busyUploading = uploads.some((u) => u.error === undefined);
  const limit = useLimits().data?.messageLength;
  const count = charCount(text);
  const over = limit !== undefined && count > limit;

  const addFiles = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const id = newIdempotencyKey();
      setUploads((list) => [...list, { key: id, name: file.name, fraction: 0 }]);
      const update = (change: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === id ? { ...u, ...change } : u)));
      upload<Attachment>(`/api/attachments?conversationId=${encodeURIComponent(conversationId)}`, file, (fraction) => update({ fraction })).then(
        (attachment) => {
          setUploads((list) => list.filter((u) => u.key !== id));
          setAttached((list) => [...list, attachment]);
        },
        (err: unknown) => update({ error: problemText(err) }),
      );
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  const send = async () => {
    if (sending || busyUploading || over) return;
    setNote(undefined);
    if (text.trim() === '') {
      setNote(t('emptyMessage'));
      textarea.current?.focus();
      return;
    }
    setSending(true);
    setError(undefined);
    try {
      const body = { text, ...(attached.length > 0 ? { attachments: attached.map((a) => a.id) } : {}) };
      const message = await api<Message | undefined>(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, { method: 'POST', body, idempotencyKey: key.current });
      key.current = newIdempotencyKey();
      setText('');
      setAttached([]);
      setUploads((list) => list.filter((u) => u.error === undefined));
      if (!message) setNote(t('sentSoon'));
      onSent(message);
      textarea.current?.focus();
    } catch (err) {
      // The server answered: this message is settled, a changed one gets a new key. Offline: keep it for the retry.
      if (err instanceof ApiError && err.status !== 0) key.current = newIdempotencyKey();
      setError(err);
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form
      class="message-box"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      noValidate
    >
      {error !== undefined && <ProblemNotice error={error} />}
      {note && (
        <p class="warning" role="status">
          {note}
        </p>
      )}
      {(attached.length > 0 || uploads.length > 0) && (
        <ul class="pending-attachments" aria-label={t('attachments')} aria-live="polite">
          {attached.map((a) => (
            <li key={a.id}>
              <span>
                <Icon name="paperclip" size={16} /> {a.name} <span class="muted">({formatBytes(a.size)})</span>
              </span>
              <button type="button" class="link" aria-label={t('removeAttachment', { name: a.name })} onClick={() => setAttached((list) => list.filter((x) => x.id !== a.id))}>
                ×
              </button>
            </li>
          ))}
          {uploads.map((u) =>
            u.error === undefined ? (
              <li key={u.key}>
                <label>
                  {t('uploading', { name: u.name, percent: Math.round(u.fraction * 100) })}
                  <progress max={1} value={u.fraction} />
                </label>
              </li>
            ) : (
              <li key={u.key} class="problem" role="alert">
                <span>{t('uploadFailed', { name: u.name, reason: u.error })}</span>
                <button type="button" class="link" aria-label={t('removeAttachment', { name: u.name })} onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}>
                  ×
                </button>
              </li>
            ),
          )}
        </ul>
      )}
      <label for="message-text" class="visually-hidden">
        {t('messageLabel')}
      </label>
      <textarea id="message-text" ref={textarea} rows={2} value={text} aria-describedby="message-hint message-count" aria-invalid={over} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} onKeyDown={onKeyDown} />
      <div class="message-box-row">
        <span id="message-hint" class="muted small">
          {t('sendHint')}
        </span>
        <span id="message-count" class={`counter small${over ? ' over' : ''}`}>
          {limit === undefined ? '' : over ? t('counterOver', { count, limit, extra: count - limit }) : t('counter', { count, limit })}
        </span>
        <label class="button attach-button">
          <Icon name="paperclip" size={16} /> {t('attach')}
          <input ref={fileInput} type="file" multiple class="visually-hidden" onChange={(e) => addFiles((e.target as HTMLInputElement).files)} />
        </label>
        <button type="submit" class="primary" disabled={sending || busyUploading || over}>
          {sending ? t('sending') : t('send')}
        </button>
      </div>
    </form>
  );
}
