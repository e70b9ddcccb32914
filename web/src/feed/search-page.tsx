// Search in the posts one may read (the server filters; German and English stemming), with
// the terms in the address so a search can be shared and the back button works.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, type Page } from '../api.js';
import { PostListView } from './post-list-view.js';
import { loadSpaces } from './spaces-store.js';
import { t } from './strings.js';
import type { Post } from './types.js';
import { usePostList } from './use-post-list.js';

function Results({ q }: { q: string }) {
  const list = usePostList((cursor, signal) => api<Page<Post>>('/api/search', { query: { q, cursor }, signal }), [q]);
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">{t('resultsFor', { q })}</h2>
      <div role="status" class="visually-hidden">
        {list.loading ? '' : list.items.length === 0 ? t('noResults', { q }) : t('resultsShown', { count: list.items.length })}
      </div>
      <PostListView list={list} empty={<p>{t('noResults', { q })}</p>} />
    </section>
  );
}

export function SearchPage() {
  const { query, route } = useLocation();
  const q = (query.q ?? '').trim();
  const [terms, setTerms] = useState(q);
  useEffect(() => setTerms(q), [q]);
  useEffect(() => {
    void loadSpaces().catch(() => undefined);
  }, []);
  return (
    <div class="feed-page">
      <h1>{t('searchTitle')}</h1>
      <form
        role="search"
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const value = terms.trim();
          if (value) route(`/search?q=${encodeURIComponent(value)}`);
        }}
      >
        <label for="search-terms">{t('searchTerms')}</label>
        <div class="search-row">
          <input id="search-terms" type="search" name="q" value={terms} maxLength={200} onInput={(e) => setTerms(e.currentTarget.value)} />
          <button type="submit" class="primary">
            {t('searchButton')}
          </button>
        </div>
      </form>
      {q ? <Results q={q} /> : <p class="muted">{t('searchHint')}</p>}
    </div>
  );
}
