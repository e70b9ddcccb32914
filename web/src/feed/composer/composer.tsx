// The one composer for new posts, comments and edits: Markdown with a preview rendered by the
// server, a counter against the policy's limit, @mention and #topic completion (an ARIA
// combobox on the textarea), link insertion, and for new posts files (chosen or dropped,
// uploaded at once) and the audience preview. Ctrl/Cmd+Enter sends. A retry after no answer
// reuses the attempt's Idempotency-Key, so a post is never made twice.
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, newIdempotencyKey } from '../../api.js';
import { Icon } from '../../ui/icons.js';
import { ProblemNotice } from '../../ui/problem-notice.js';
import { Announcer, useAnnouncer } from '../announcer.js';
import { t } from '../strings.js';
import { AudiencePreview } from './audience-preview.js';
import { useLimits } from '../../ui/limits.js';
import { LinkField } from './link-field.js';
import { MarkdownPreview } from './markdown-preview.js';
import { SuggestionList } from './suggestion-list.js';
import { charCount, replaceToken, tokenAt, wrapAsLink } from './text-edit.js';
import { useCompletion, type Suggestion } from './use-completion.js';
import { useUploads } from './use-uploads.js';
import { UploadList } from './upload-list.js';

export interface ComposerProps {
  readonly kind: 'post' | 'comment' | 'edit';
  /** The textarea's label, e.g. "Neuer Beitrag in Ganze Firma". */
  readonly label: string;
  /** A new post's space: where files go and whose audience is shown. */
  readonly spaceId?: string;
  readonly initialText?: string;
  readonly submitLabel: string;
  readonly autoFocus?: boolean;
  /** Sends; throws the server's refusal, which the composer shows. */
  readonly onSubmit: (content: { text: string; attachments: string[] }, idempotencyKey: string) => Promise<void>;
  readonly onCancel?: () => void;
}

/** From this share of the limit on, the counter warns. */
const NEAR = 0.9;
const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

export function Composer({ kind, label, spaceId, initialText = '', submitLabel, autoFocus = false, onSubmit, onCancel }: ComposerProps) {
  const id = useId();
  const limits = useLimits();
  const [text, setText] = useState(initialText);
  const [caret, setCaret] = useState(initialText.length);
  const [mode, setMode] = useState<'write' | 'preview'>('write');
  const [linkOpen, setLinkOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [dragging, setDragging] = useState(false);
  const { message, announce } = useAnnouncer();
  const area = useRef<HTMLTextAreaElement>(null);
  const selection = useRef({ start: initialText.length, end: initialText.length });
  const pendingSelection = useRef<{ start: number; end: number } | undefined>(undefined);
  const key = useRef(newIdempotencyKey());
  const withFiles = kind === 'post' && spaceId !== undefined;
  const uploads = useUploads(withFiles ? spaceId : undefined, limits.data?.attachments.maxBytes);

  const token = mode === 'write' ? tokenAt(text, caret) : undefined;
  const completion = useCompletion(token, (count) => t(count === 1 ? 'topicPostsOne' : 'topicPosts', { count }));
  const open = completion.suggestions.length > 0;

  const limit = limits.data ? (kind === 'comment' ? limits.data.commentLength : limits.data.postLength) : undefined;
  const count = charCount(text);
  const over = limit !== undefined && count > limit;
  const near = limit !== undefined && !over && count >= limit * NEAR;
  const attachmentIds = uploads.items.flatMap((u) => (u.state === 'done' && u.attachment ? [u.attachment.id] : []));
  const blockReason = over
    ? t('blockedTooLong')
    : uploads.items.some((u) => u.state === 'uploading')
      ? t('blockedUploading')
      : uploads.items.some((u) => u.state === 'failed')
        ? t('blockedFailedFile')
        : undefined;
  const canSend = !busy && text.trim() !== '' && limit !== undefined && blockReason === undefined;

  // Other content is another attempt: it gets its own key.
  useEffect(() => {
    key.current = newIdempotencyKey();
  }, [text, attachmentIds.join(',')]);

  useEffect(() => {
    if (!autoFocus || !area.current) return;
    area.current.focus();
    area.current.setSelectionRange(text.length, text.length);
  }, []);

  useLayoutEffect(() => {
    const wanted = pendingSelection.current;
    if (!wanted || !area.current) return;
    pendingSelection.current = undefined;
    area.current.focus();
    area.current.setSelectionRange(wanted.start, wanted.end);
    setCaret(wanted.end);
  }, [text, mode]);

  const track = (el: HTMLTextAreaElement) => {
    selection.current = { start: el.selectionStart, end: el.selectionEnd };
    setCaret(el.selectionStart === el.selectionEnd ? el.selectionEnd : -1);
  };

  const pick = (s: Suggestion) => {
    if (!token) return;
    const next = replaceToken(text, token, s.insert);
    pendingSelection.current = { start: next.caret, end: next.caret };
    setText(next.text);
  };

  const insertLink = (url: string) => {
    const { start, end } = selection.current;
    const next = wrapAsLink(text, start, end, url);
    setLinkOpen(false);
    pendingSelection.current = { start: next.selectionStart, end: next.selectionEnd };
    setText(next.text);
  };

  const send = async () => {
    if (!canSend) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({ text, attachments: attachmentIds }, key.current);
      if (kind !== 'edit') {
        setText('');
        setCaret(0);
        uploads.clear();
        setMode('write');
        announce(t('sent'));
      }
    } catch (err) {
      // The server keeps a refusal under its key; only an attempt whose fate is unknown (no
      // answer) may be repeated with the same key.
      if (!(err instanceof ApiError && err.status === 0)) key.current = newIdempotencyKey();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      void send();
      return;
    }
    if (!open) return;
    const n = completion.suggestions.length;
    if (e.key === 'ArrowDown') completion.setActive((completion.active + 1) % n);
    else if (e.key === 'ArrowUp') completion.setActive((completion.active - 1 + n) % n);
    else if (e.key === 'Enter' || e.key === 'Tab') pick(completion.suggestions[completion.active]!);
    else if (e.key === 'Escape') completion.dismiss();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const hasFiles = (e: DragEvent) => withFiles && (e.dataTransfer?.types.includes('Files') ?? false);
  const guidelineMissing = error instanceof ApiError && error.problem.type.endsWith(':guideline_not_accepted');
  const listId = `${id}-suggestions`;

  return (
    <form
      class={`composer${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDragging(false);
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        uploads.add([...(e.dataTransfer?.files ?? [])]);
      }}
    >
      <div class="composer-bar">
        <div class="composer-tabs" role="group" aria-label={t('composerView')}>
          <button type="button" aria-pressed={mode === 'write'} onClick={() => setMode('write')}>
            {t('write')}
          </button>
          <button type="button" aria-pressed={mode === 'preview'} onClick={() => setMode('preview')}>
            {t('preview')}
          </button>
        </div>
        <div class="composer-tools">
          <button type="button" aria-expanded={linkOpen} disabled={mode !== 'write'} onClick={() => setLinkOpen(!linkOpen)}>
            {t('link')}
          </button>
          {withFiles && (
            <label class="button file-pick">
              <input
                type="file"
                multiple
                class="visually-hidden"
                onChange={(e) => {
                  uploads.add([...(e.currentTarget.files ?? [])]);
                  e.currentTarget.value = '';
                }}
              />
              <Icon name="paperclip" size={18} /> {t('attach')}
            </label>
          )}
        </div>
      </div>

      {linkOpen && <LinkField id={`${id}-link`} onInsert={insertLink} onClose={() => setLinkOpen(false)} />}

      <div class="combo" hidden={mode !== 'write'}>
        <label for={`${id}-text`}>{label}</label>
        {/* The combobox pattern on a textarea: HTML allows it no role but textbox (and so no
            aria-expanded), so the textbox names its listbox and points at the active option. */}
        <textarea
          ref={area}
          id={`${id}-text`}
          aria-autocomplete="list"
          aria-controls={listId}
          aria-activedescendant={open ? `${listId}-${completion.active}` : undefined}
          aria-describedby={`${id}-count ${id}-hint`}
          aria-invalid={over}
          rows={kind === 'comment' ? 3 : 5}
          value={text}
          readOnly={busy}
          onInput={(e) => {
            setText(e.currentTarget.value);
            track(e.currentTarget);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(e) => {
            if (!['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(e.key)) track(e.currentTarget);
          }}
          onClick={(e) => track(e.currentTarget)}
          onSelect={(e) => track(e.currentTarget)}
          onBlur={() => setCaret(-1)}
        />
        <SuggestionList id={listId} label={t(token?.kind === 'topic' ? 'topicSuggestions' : 'peopleSuggestions')} suggestions={completion.suggestions} active={completion.active} onPick={pick} />
      </div>
      {mode === 'preview' && <MarkdownPreview id={`${id}-preview`} text={text} />}

      <div class="composer-meta">
        <p id={`${id}-count`} class={`counter${over ? ' over' : near ? ' near' : ''}`}>
          {limit === undefined ? `${count}` : over ? t('counterOver', { count, limit, extra: count - limit }) : t('counter', { count, limit })}
        </p>
        <p id={`${id}-hint`} class="muted hint">
          {t(MAC ? 'hintMac' : 'hint')}
        </p>
      </div>
      <p class="visually-hidden" role="status">
        {over ? t('blockedTooLong') : ''}
      </p>

      {withFiles && dragging && <p class="drop-hint">{t('dropHere')}</p>}
      <UploadList uploads={uploads.items} onRemove={uploads.remove} />
      {kind === 'post' && spaceId && <AudiencePreview spaceId={spaceId} />}
      {limits.error !== undefined && <ProblemNotice error={limits.error} onRetry={() => limits.reload()} />}
      {error !== undefined && <ProblemNotice error={error} />}
      {guidelineMissing && (
        <p>
          <button type="button" onClick={() => location.reload()}>
            {t('readGuideline')}
          </button>
        </p>
      )}

      <div class="actions">
        <button type="submit" class="primary" disabled={!canSend} aria-describedby={blockReason ? `${id}-blocked` : undefined}>
          {busy ? t('sending') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('cancel')}
          </button>
        )}
        {blockReason && (
          <span id={`${id}-blocked`} class="muted blocked">
            {blockReason}
          </span>
        )}
      </div>
      <Announcer message={message} />
    </form>
  );
}
