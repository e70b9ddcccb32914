// The audit search's filters as a form: event type from the catalogue (grouped by category),
// actor, stream, space and a time range. Submitting puts them into the address, which the
// results follow; nothing is searched while typing, since every query is itself recorded.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { fromLocalInput, searchHref, toLocalInput, type AuditFilters } from './filters.js';
import { t } from './strings.js';
import type { CatalogueEntry } from './types.js';

function byCategory(entries: readonly CatalogueEntry[]): [string, CatalogueEntry[]][] {
  const groups = new Map<string, CatalogueEntry[]>();
  for (const e of entries) groups.set(e.categoryTitle, [...(groups.get(e.categoryTitle) ?? []), e]);
  return [...groups];
}

export function AuditFilterForm({ catalogue, filters, spaces }: { catalogue: readonly CatalogueEntry[]; filters: AuditFilters; spaces: readonly string[] }) {
  const { route } = useLocation();
  const [draft, setDraft] = useState({ ...filters, from: toLocalInput(filters.from), to: toLocalInput(filters.to) });
  const [invalid, setInvalid] = useState<string | undefined>(undefined);
  const active = Object.keys(filters).length;
  // On a phone a search already made shows its results first; the filters are one tap away.
  const [open, setOpen] = useState(() => active === 0 || !matchMedia('(max-width: 720px)').matches);
  useEffect(() => setDraft({ ...filters, from: toLocalInput(filters.from), to: toLocalInput(filters.to) }), [JSON.stringify(filters)]);
  const field = (name: keyof AuditFilters) => ({
    id: `audit-${name}`,
    name,
    value: draft[name] ?? '',
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  const submit = (e: Event) => {
    e.preventDefault();
    const from = fromLocalInput(draft.from ?? '');
    const to = fromLocalInput(draft.to ?? '');
    if (from && to && from > to) {
      setInvalid(t('fromAfterTo'));
      return;
    }
    setInvalid(undefined);
    route(searchHref({ type: draft.type, actor: draft.actor?.trim(), stream: draft.stream?.trim(), space: draft.space?.trim(), from, to }));
  };

  return (
    <details class="card dpo-filters" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{active > 0 ? t('filtersActive', { count: active }) : t('filters')}</summary>
      <form onSubmit={submit}>
        <div class="dpo-grid">
          <div class="field">
            <label for="audit-type">{t('type')}</label>
            <select {...field('type')}>
              <option value="">{t('allTypes')}</option>
              {byCategory(catalogue).map(([title, entries]) => (
                <optgroup key={title} label={title}>
                  {entries.map((e) => (
                    <option key={e.type} value={e.type}>
                      {e.type}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="audit-space">{t('space')}</label>
            <input {...field('space')} list="audit-spaces" autoComplete="off" placeholder={t('spacePlaceholder')} />
            <datalist id="audit-spaces">
              {spaces.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </div>
          <div class="field">
            <label for="audit-actor">{t('actor')}</label>
            <input {...field('actor')} autoComplete="off" placeholder={t('actorPlaceholder')} />
          </div>
          <div class="field">
            <label for="audit-stream">{t('stream')}</label>
            <input {...field('stream')} autoComplete="off" placeholder={t('streamPlaceholder')} />
          </div>
          <div class="field">
            <label for="audit-from">{t('from')}</label>
            <input {...field('from')} type="datetime-local" />
          </div>
          <div class="field">
            <label for="audit-to">{t('to')}</label>
            <input {...field('to')} type="datetime-local" />
          </div>
        </div>
        {invalid && (
          <p class="problem" role="alert">
            {invalid}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            {t('search')}
          </button>
          <a class="button" href="/dpo">
            {t('resetFilters')}
          </a>
        </div>
      </form>
    </details>
  );
}
