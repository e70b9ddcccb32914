// One message in a conversation: who, when, the text (rendered by the server), its files as
// download links, and — when the server says so (may.delete) — delete with a confirmation.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatBytes, formatDateTime, formatRelative } from '../i18n.js';
import { displayName } from '../session.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t as shared } from '../ui/strings.js';
import { t } from './strings.js';
import type { Message } from './types.js';
import { Icon } from '../ui/icons.js';

export function MessageItem({ message, mine, onDeleted }: { message: Message; mine: boolean; onDeleted: (id: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/conversations/${encodeURIComponent(message.conversationId)}/messages/${encodeURIComponent(message.id)}`, { method: 'DELETE' });
      onDeleted(message.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <li class={mine ? 'message mine' : 'message'} id={`message-${message.id}`}>
      <div class="message-meta">
        <strong>{displayName(message.author)}</strong>{' '}
        <time class="muted small" dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>
          {formatRelative(message.createdAt)}
        </time>
      </div>
      {/* The server renders Markdown without raw HTML and with safe links only. */}
      <div class="message-text" dangerouslySetInnerHTML={{ __html: message.html }} />
      {message.attachments.length > 0 && (
        <ul class="message-attachments" aria-label={t('attachments')}>
          {message.attachments.map((a) => (
            <li key={a.id}>
              <a href={a.url} download={a.name} aria-label={t('download', { name: a.name, size: formatBytes(a.size) })}>
                <Icon name="paperclip" size={16} /> {a.name}
              </a>{' '}
              <span class="muted small">{formatBytes(a.size)}</span>
            </li>
          ))}
        </ul>
      )}
      {message.may.delete && !confirming && (
        <button type="button" class="link small" onClick={() => setConfirming(true)}>
          {t('deleteMessage')}
        </button>
      )}
      {confirming && (
        <div class="confirm" role="group" aria-label={t('confirmDelete')}>
          <span>{t('confirmDelete')}</span>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            {t('confirmDeleteYes')}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            {shared('cancel')}
          </button>
        </div>
      )}
      {error !== undefined && <ProblemNotice error={error} />}
    </li>
  );
}
