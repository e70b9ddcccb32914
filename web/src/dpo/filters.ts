// The audit search's filters live in the page's address (/dpo?type=PostCreated&space=…), so a
// search can be bookmarked, shared with a colleague and gone back to; the same values go to
// the events query and, unchanged, into an export request.
export const FILTER_NAMES = ['type', 'actor', 'stream', 'space', 'from', 'to'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type AuditFilters = Partial<Record<FilterName, string>>;

/** The filters present in a query string's values (empty ones dropped). */
export function filtersOf(query: Readonly<Record<string, string | undefined>>): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of FILTER_NAMES) {
    const value = query[name]?.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

export function searchHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]);
  const text = params.toString();
  return text ? `/dpo?${text}` : '/dpo';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local input shows it (local time, to the minute). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as the ISO instant the API takes; undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Comma- or space-separated names as a list without empties or repeats. */
export function nameList(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}
