// Asks for a link's address in a small field inside the composer (never a browser dialog);
// the selected text becomes the link's text. Only addresses the server will link are taken.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../strings.js';
import { LINKABLE } from './text-edit.js';

export function LinkField({ id, onInsert, onClose }: { id: string; onInsert: (url: string) => void; onClose: () => void }) {
  const [url, setUrl] = useState('https://');
  const [invalid, setInvalid] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  const insert = () => {
    const value = url.trim();
    if (!LINKABLE.test(value)) {
      setInvalid(true);
      input.current?.focus();
      return;
    }
    onInsert(value);
  };
  return (
    <div class="link-field">
      <label for={id}>{t('linkAddress')}</label>
      <div class="link-row">
        <input
          ref={input}
          id={id}
          type="url"
          value={url}
          aria-invalid={invalid}
          aria-describedby={invalid ? `${id}-error` : undefined}
          onInput={(e) => {
            setUrl(e.currentTarget.value);
            setInvalid(false);
          }}
          onKeyDown={(e) => {
            // Enter here means "insert", not "send the post".
            if (e.key === 'Enter') {
              e.preventDefault();
              insert();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              onClose();
            }
          }}
        />
        <button type="button" onClick={insert}>
          {t('insertLink')}
        </button>
        <button type="button" onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
      {invalid && (
        <p id={`${id}-error`} class="field-error" role="alert">
          {t('linkInvalid')}
        </p>
      )}
    </div>
  );
}
