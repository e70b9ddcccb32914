// Every space of the active policy with who may read, post and moderate, and its audience: the
// known people who can read it (expandable) and how many cannot. All spaces are listed, also
// those the admin cannot read — this is the configuration, not the content.
import { api } from '../api.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { Loc } from './location.js';
import { classificationLabel, t } from './strings.js';
import type { AccessView, SpaceOverview, SpacesOverview } from './types.js';

function Access({ list }: { list: AccessView | null }) {
  if (!list || (list.roles.length === 0 && list.groups.length === 0)) return <span class="muted">{t('nobody')}</span>;
  return (
    <ul class="admin-access">
      {list.roles.map((r) => (
        <li key={`r:${r}`}>
          {t('role')}{' '}
          <span class="admin-name">{r}</span>
        </li>
      ))}
      {list.groups.map((g) => (
        <li key={`g:${g}`}>
          {t('group')}{' '}
          <span class="admin-name">{g}</span>
        </li>
      ))}
    </ul>
  );
}

function Readers({ space }: { space: SpaceOverview }) {
  const { audience } = space;
  return (
    <>
      <strong>{t('audienceCount', { count: audience.count })}</strong>, {t('notReaching', { count: audience.notReaching })}
      {audience.readers.length > 0 && (
        <details>
          <summary>{t('showReaders')}</summary>
          <ul class="admin-readers">
            {audience.readers.map((r) => (
              <li key={r.id}>
                {r.name ? `${r.name} (${r.id})` : r.id}
                <span class="admin-via muted">{r.via}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

function Row({ space }: { space: SpaceOverview }) {
  return (
    <tr>
      <th scope="row" data-label={t('colSpace')}>
        {space.title} <span class="muted">({space.id})</span>
        <br />
        <Loc file={space.file} line={space.line} />
      </th>
      <td data-label={t('colClassification')}>
        <span class={`admin-class ${space.classification}`}>{classificationLabel(space.classification)}</span>
      </td>
      <td data-label={t('colRead')}>
        <Access list={space.read} />
      </td>
      <td data-label={t('colPost')}>
        <Access list={space.post} />
      </td>
      <td data-label={t('colModerate')}>
        <Access list={space.moderate} />
      </td>
      <td data-label={t('colAudience')}>
        <Readers space={space} />
      </td>
    </tr>
  );
}

export function SpacesPage() {
  const spaces = useLoad((signal) => api<SpacesOverview>('/api/admin/spaces', { signal }), []);
  const data = spaces.data;
  return (
    <section aria-labelledby="admin-spaces-title">
      <h1 id="admin-spaces-title">{t('spacesTitle')}</h1>
      {spaces.error !== undefined && <ProblemNotice error={spaces.error} />}
      {!data && spaces.loading && <Loading />}
      {data && (
        <>
          <p>{t('spacesIntro', { count: data.knownPeople })}</p>
          <div class="admin-table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">{t('spacesTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colSpace')}</th>
                  <th scope="col">{t('colClassification')}</th>
                  <th scope="col">{t('colRead')}</th>
                  <th scope="col">{t('colPost')}</th>
                  <th scope="col">{t('colModerate')}</th>
                  <th scope="col">{t('colAudience')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((s) => (
                  <Row key={s.id} space={s} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
