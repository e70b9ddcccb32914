// UI text in German (the default) and English, following the browser's preferred languages.
// Each capability keeps its own strings beside its components; `strings` checks at compile
// time that both languages have every key.
export type Lang = 'de' | 'en';

export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'de';
}

export const lang: Lang = pickLang(typeof navigator === 'undefined' ? [] : navigator.languages);

export type Vars = Readonly<Record<string, string | number>>;

function fill(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** A translation function over one capability's strings. */
export function strings<K extends string>(dict: { readonly de: Readonly<Record<K, string>>; readonly en: Readonly<Record<K, string>> }): (key: K, vars?: Vars) => string {
  return (key, vars) => fill(dict[lang][key], vars);
}

const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });

const utcDate = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar day the server keeps in UTC (hold periods, retention cutoffs), as that day. */
export function formatUtcDate(iso: string): string {
  return utcDate.format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** "vor 5 Minuten" for recent moments, the date and time beyond a week. */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relative.format(0, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDateTime(iso);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
