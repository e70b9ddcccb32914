// A post's files as download links with name and size; the server sends them as downloads
// of the type it found in the content, never rendered in Flurfunk's page.
import { formatBytes } from '../i18n.js';
import { Icon } from '../ui/icons.js';
import { t } from './strings.js';
import type { Attachment } from './types.js';

export function AttachmentLinks({ attachments }: { attachments: readonly Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <ul class="attachments" aria-label={t('attachments')}>
      {attachments.map((a) => (
        <li key={a.id}>
          <a href={a.url} download={a.name}>
            <Icon name="paperclip" size={16} /> {a.name}
          </a>{' '}
          <span class="muted">({formatBytes(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}
