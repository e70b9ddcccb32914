// Choosing the people for a conversation: a combobox (ARIA 1.2 pattern) that completes names
// from the people directory as you type; arrow keys move, Enter picks, Escape closes. Chosen
// people are chips with a remove button, so the keyboard can undo a pick too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { displayName } from '../session.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';
import type { Person } from './types.js';

const DEBOUNCE_MS = 150;

export function PeoplePicker({ chosen, exclude, onChange }: { chosen: readonly Person[]; exclude: string; onChange: (people: Person[]) => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Person[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [error, setError] = useState<unknown>(undefined);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setFound([]);
      setOpen(false);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api<Page<Person>>('/api/people', { query: { q }, signal: controller.signal }).then(
        (page) => {
          const taken = new Set([exclude, ...chosen.map((p) => p.id)]);
          setFound(page.items.filter((p) => !taken.has(p.id)));
          setActive(-1);
          setOpen(true);
          setError(undefined);
        },
        (err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(err);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, chosen, exclude]);

  const pick = (person: Person) => {
    onChange([...chosen, person]);
    setQuery('');
    setFound([]);
    setOpen(false);
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open && found.length > 0) setOpen(true);
      setActive((i) => (found.length === 0 ? -1 : (i + 1) % found.length));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (found.length === 0 ? -1 : (i - 1 + found.length) % found.length));
    } else if (e.key === 'Enter') {
      // Enter picks; it never submits the form half-chosen.
      const person = open ? (found[active] ?? (found.length === 1 ? found[0] : undefined)) : undefined;
      if (person || query.trim() !== '') e.preventDefault();
      if (person) pick(person);
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      }
    } else if (e.key === 'Backspace' && query === '' && chosen.length > 0) {
      onChange(chosen.slice(0, -1));
    }
  };

  const listId = 'people-picker-list';
  const showList = open && query.trim() !== '';
  return (
    <div class="people-picker">
      <div class="field">
        <label for="people-picker-input">{t('pickerLabel')}</label>
        {chosen.length > 0 && (
          <ul class="chips" aria-label={t('chosen')}>
            {chosen.map((p) => (
              <li key={p.id} class="chip">
                <span>{displayName(p)}</span>
                <button type="button" class="chip-remove" aria-label={t('remove', { name: displayName(p) })} onClick={() => onChange(chosen.filter((c) => c.id !== p.id))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div class="combobox">
          <input
            id="people-picker-input"
            ref={input}
            type="text"
            role="combobox"
            autoComplete="off"
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-describedby="people-picker-hint"
            aria-activedescendant={showList && active >= 0 ? `person-option-${active}` : undefined}
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
          />
          <ul id={listId} role="listbox" aria-label={t('pickerLabel')} class="suggestions" hidden={!showList}>
            {found.map((p, i) => (
              <li
                key={p.id}
                id={`person-option-${i}`}
                role="option"
                aria-selected={i === active}
                class={i === active ? 'active' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(p);
                }}
              >
                {displayName(p)} <span class="muted">@{p.id}</span>
              </li>
            ))}
          </ul>
          {showList && found.length === 0 && <p class="muted small">{t('pickerNone')}</p>}
        </div>
        <span id="people-picker-hint" class="muted small">
          {t('pickerHint')}
        </span>
        <span class="visually-hidden" role="status" aria-live="polite">
          {showList && found.length > 0 ? t('pickerSuggestions', { count: found.length }) : ''}
        </span>
      </div>
      {error !== undefined && <ProblemNotice error={error} />}
    </div>
  );
}
