// A space's classification as a small label; confidential and secret stand out.
import { t } from './strings.js';
import { isClosed } from './types.js';

const KEYS = { public: 'public', internal: 'internal', confidential: 'confidential', secret: 'secret' } as const;

export function ClassificationTag({ classification }: { classification: string }) {
  const key = KEYS[classification as keyof typeof KEYS];
  return <span class={`tag${isClosed(classification) ? ' closed' : ''}`}>{key ? t(key) : classification}</span>;
}
