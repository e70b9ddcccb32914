// The spaces a person may read (others are not mentioned at all), with their classification,
// and following or muting each.
import { useEffect, useState } from 'preact/hooks';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { ClassificationTag } from './classification-tag.js';
import { SpaceFollow } from './space-follow.js';
import { loadSpaces, spaces } from './spaces-store.js';
import { t } from './strings.js';

export function SpacesPage() {
  const [error, setError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  useEffect(() => {
    setError(undefined);
    loadSpaces(true).catch(setError);
  }, [round]);
  const list = spaces.value;
  return (
    <div class="feed-page">
      <h1>{t('spacesTitle')}</h1>
      <p class="muted">{t('spacesIntro')}</p>
      {error !== undefined ? (
        <ProblemNotice error={error} onRetry={() => setRound((r) => r + 1)} />
      ) : !list ? (
        <Loading />
      ) : (
        <ul class="space-list">
          {list.map((space) => (
            <li key={space.id} class="card space-card">
              <h2>
                <a href={`/spaces/${encodeURIComponent(space.id)}`}>{space.title}</a> <ClassificationTag classification={space.classification} />
              </h2>
              {space.description && <p>{space.description}</p>}
              {!space.may.post && <p class="muted">{t('readOnlySpace')}</p>}
              <SpaceFollow space={space} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
