// "vor 5 Minuten", with the full date and time on hover and for assistive technology; all
// relative times on screen move on together once a minute.
import { signal } from '@preact/signals';
import { formatDateTime, formatRelative } from '../i18n.js';

const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 60_000);

export function RelativeTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, now.value)}
    </time>
  );
}
