// The reactions under a post: a small closed set. Given reactions show with their counts
// (pressed when the reader gave them); "Reagieren" offers the rest to those who may react.
// Words rather than emoji, so they read the same on every device and to screen readers.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';
import { REACTIONS, type Post, type Reaction } from './types.js';

const LABEL = { like: 'reactionLike', thanks: 'reactionThanks', celebrate: 'reactionCelebrate', insightful: 'reactionInsightful' } as const;

export function Reactions({ post, onChange }: { post: Post; onChange: (post: Post) => void }) {
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const toggle = async (reaction: Reaction) => {
    setBusy(true);
    setError(undefined);
    try {
      const given = post.myReactions.includes(reaction);
      onChange(await api<Post>(`/api/posts/${encodeURIComponent(post.id)}/reactions/${reaction}`, { method: given ? 'DELETE' : 'PUT' }));
      setPicking(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const shown = picking ? REACTIONS : REACTIONS.filter((r) => post.reactions[r] > 0);
  if (shown.length === 0 && !post.may.react) return null;
  return (
    <div class="reactions" role="group" aria-label={t('reactions')}>
      {shown.map((r) => {
        const count = post.reactions[r];
        const content = (
          <>
            {t(LABEL[r])}
            {count > 0 && <span class="count">{count}</span>}
          </>
        );
        return post.may.react ? (
          <button key={r} type="button" class="reaction" aria-pressed={post.myReactions.includes(r)} disabled={busy} onClick={() => void toggle(r)}>
            {content}
          </button>
        ) : (
          <span key={r} class="reaction">
            {content}
          </span>
        );
      })}
      {post.may.react && (
        <button type="button" class="link react-toggle" aria-expanded={picking} onClick={() => setPicking(!picking)}>
          {t(picking ? 'reactDone' : 'react')}
        </button>
      )}
      {error !== undefined && <ProblemNotice error={error} />}
    </div>
  );
}
