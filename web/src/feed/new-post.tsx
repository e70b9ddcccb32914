// The composer for a new post in a space: sends with the attempt's Idempotency-Key and hands
// the created post to the page, which shows it at once (the live stream may bring it too;
// lists keep one of each).
import { api } from '../api.js';
import { Composer } from './composer/composer.js';
import { t } from './strings.js';
import type { Post } from './types.js';

export function NewPost({ spaceId, spaceTitle, onCreated, autoFocus = false }: { spaceId: string; spaceTitle: string; onCreated: (post: Post) => void; autoFocus?: boolean }) {
  return (
    <Composer
      key={spaceId}
      kind="post"
      spaceId={spaceId}
      autoFocus={autoFocus}
      label={t('newPostIn', { space: spaceTitle })}
      submitLabel={t('publish')}
      onSubmit={async ({ text, attachments }, idempotencyKey) => {
        const post = await api<Post>(`/api/spaces/${encodeURIComponent(spaceId)}/posts`, { method: 'POST', body: attachments.length > 0 ? { text, attachments } : { text }, idempotencyKey });
        onCreated(post);
      }}
    />
  );
}
