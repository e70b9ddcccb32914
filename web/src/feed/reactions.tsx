// The reactions under a post: a small closed set with counts; buttons (pressed when given)
// for those who may react, plain counts for those who may not.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';
import { REACTIONS, type Post, type Reaction } from './types.js';

const EMOJI: Record<Reaction, string> = { like: '👍', thanks: '🙏', celebrate: '🎉', insightful: '💡' };
const LABEL = { like: 'reactionLike', thanks: 'reactionThanks', celebrate: 'reactionCelebrate', insightful: 'reactionInsightful' } as const;

export function Reactions({ post, onChange }: { post: Post; onChange: (post: Post) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const toggle = async (reaction: Reaction) => {
    setBusy(true);
    setError(undefined);
    try {
      const given = post.myReactions.includes(reaction);
      onChange(await api<Post>(`/api/posts/${encodeURIComponent(post.id)}/reactions/${reaction}`, { method: given ? 'DELETE' : 'PUT' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const shown = post.may.react ? REACTIONS : REACTIONS.filter((r) => post.reactions[r] > 0);
  if (shown.length === 0) return null;
  return (
    <div class="reactions" role="group" aria-label={t('reactions')}>
      {shown.map((r) => {
        const count = post.reactions[r];
        const content = (
          <>
            <span aria-hidden="true">{EMOJI[r]}</span>
            <span class="visually-hidden">{t(LABEL[r])}</span>
            {count > 0 && <span class="count">{count}</span>}
          </>
        );
        return post.may.react ? (
          <button key={r} type="button" class="reaction" aria-pressed={post.myReactions.includes(r)} title={t(LABEL[r])} disabled={busy} onClick={() => void toggle(r)}>
            {content}
          </button>
        ) : (
          <span key={r} class="reaction" title={t(LABEL[r])}>
            {content}
          </span>
        );
      })}
      {error !== undefined && <ProblemNotice error={error} />}
    </div>
  );
}
