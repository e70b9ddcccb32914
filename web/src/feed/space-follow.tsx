// Following and muting a space: following brings its posts into the timeline, muting keeps
// following but quiet. Offered only where the server says one may follow.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { updateSpace } from './spaces-store.js';
import { t } from './strings.js';
import type { Space } from './types.js';

export function SpaceFollow({ space, onChange }: { space: Space; onChange?: (space: Space) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const change = async (path: 'follow' | 'mute', on: boolean, next: Space) => {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/spaces/${encodeURIComponent(space.id)}/${path}`, { method: on ? 'PUT' : 'DELETE' });
      updateSpace(next);
      onChange?.(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!space.may.follow && !space.following) return null;
  return (
    <div class="space-follow">
      <div class="actions">
        <button
          type="button"
          class={space.following ? undefined : 'primary'}
          aria-pressed={space.following}
          aria-label={t(space.following ? 'followingSpace' : 'followSpace', { space: space.title })}
          disabled={busy}
          onClick={() => void change('follow', !space.following, { ...space, following: !space.following, muted: false })}
        >
          {t(space.following ? 'following' : 'follow')}
        </button>
        {space.following && (
          <button
            type="button"
            aria-pressed={space.muted}
            aria-label={t('muteSpace', { space: space.title })}
            disabled={busy}
            onClick={() => void change('mute', !space.muted, { ...space, muted: !space.muted })}
          >
            {t(space.muted ? 'muted' : 'mute')}
          </button>
        )}
      </div>
      {error !== undefined && <ProblemNotice error={error} />}
    </div>
  );
}
