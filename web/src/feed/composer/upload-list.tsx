// The files of a post being written, each with its progress, its state and its error in
// words, and a button to remove it before sending.
import { formatBytes } from '../../i18n.js';
import { t } from '../strings.js';
import type { Upload } from './use-uploads.js';

export function UploadList({ uploads, onRemove }: { uploads: readonly Upload[]; onRemove: (key: string) => void }) {
  if (uploads.length === 0) return null;
  return (
    <ul class="uploads" aria-label={t('filesOfPost')}>
      {uploads.map((u) => (
        <li key={u.key} class={`upload ${u.state}`}>
          <span class="upload-name">{u.name}</span> <span class="muted">{formatBytes(u.size)}</span>
          {u.state === 'uploading' && <progress max={1} value={u.progress} aria-label={t('uploading', { name: u.name })} />}
          {u.state === 'done' && <span class="upload-done">{t('uploaded')}</span>}
          <button type="button" class="link" aria-label={t('removeFile', { name: u.name })} onClick={() => onRemove(u.key)}>
            {t('remove')}
          </button>
          {u.state === 'failed' && (
            <p class="upload-error" role="alert">
              {u.message}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
