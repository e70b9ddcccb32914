// Files of a post being written: each uploads as soon as it is chosen (so sending is quick),
// with its own progress and its own clear error; a file can be removed before sending, and
// leaving the composer stops what is still uploading.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { upload } from '../../api.js';
import { formatBytes } from '../../i18n.js';
import { problemText } from '../../ui/problem-notice.js';
import { t } from '../strings.js';
import type { Attachment } from '../types.js';

/** As many files as one post may name (the API's limit). */
export const MAX_FILES = 10;

export interface Upload {
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly progress: number;
  readonly state: 'uploading' | 'done' | 'failed';
  readonly message?: string;
  readonly attachment?: Attachment;
}

export interface Uploads {
  readonly items: readonly Upload[];
  readonly add: (files: readonly File[]) => void;
  readonly remove: (key: string) => void;
  readonly clear: () => void;
}

let counter = 0;

export function useUploads(spaceId: string | undefined, maxBytes: number | undefined): Uploads {
  const [items, setItems] = useState<readonly Upload[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const count = useRef(0);
  const change = (key: string, update: Partial<Upload>) => setItems((old) => old.map((u) => (u.key === key ? { ...u, ...update } : u)));

  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const add = useCallback(
    (files: readonly File[]) => {
      if (!spaceId) return;
      const fresh: Upload[] = [];
      for (const file of files) {
        const key = `upload-${++counter}`;
        const base = { key, name: file.name, size: file.size, progress: 0 };
        if (count.current >= MAX_FILES) {
          fresh.push({ ...base, state: 'failed', message: t('tooManyFiles', { max: MAX_FILES }) });
          continue;
        }
        // The policy's limit is known: a file over it is not sent in vain.
        if (maxBytes !== undefined && file.size > maxBytes) {
          fresh.push({ ...base, state: 'failed', message: t('fileTooBig', { size: formatBytes(file.size), max: formatBytes(maxBytes) }) });
          continue;
        }
        count.current++;
        const controller = new AbortController();
        controllers.current.set(key, controller);
        fresh.push({ ...base, state: 'uploading' });
        upload<Attachment>(`/api/attachments?spaceId=${encodeURIComponent(spaceId)}`, file, (progress) => change(key, { progress }), controller.signal).then(
          (attachment) => change(key, { state: 'done', progress: 1, attachment }),
          (err: unknown) => {
            if ((err as Error).name === 'AbortError') return;
            count.current--;
            change(key, { state: 'failed', message: t('fileRefused', { reason: problemText(err) }) });
          },
        ).finally(() => controllers.current.delete(key));
      }
      setItems((old) => [...old, ...fresh]);
    },
    [spaceId, maxBytes],
  );

  const remove = useCallback((key: string) => {
    const controller = controllers.current.get(key);
    controller?.abort();
    setItems((old) => {
      const gone = old.find((u) => u.key === key);
      if (gone && gone.state !== 'failed') count.current--;
      return old.filter((u) => u.key !== key);
    });
  }, []);

  const clear = useCallback(() => {
    count.current = 0;
    setItems([]);
  }, []);

  return { items, add, remove, clear };
}
