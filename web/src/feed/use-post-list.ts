// A list of posts as every feed page shows it: the first page, older ones on "Mehr laden",
// and new posts from the realtime stream at the top when they belong here (the page says
// which do). The stream only sends posts the person may read; a post arriving while the
// first page loads is kept, not lost.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api.js';
import { onLive } from '../live.js';
import type { Post } from './types.js';

export interface PostList {
  readonly items: readonly Post[];
  readonly loading: boolean;
  readonly error: unknown;
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly moreError: unknown;
  readonly more: () => void;
  readonly reload: () => void;
  /** Puts a post on top (one the person just wrote), unless it is there already. */
  readonly add: (post: Post) => void;
  readonly replace: (post: Post) => void;
  readonly remove: (postId: string) => void;
}

export interface PostListOptions {
  /** Whether a live post belongs in this list; without it, no live posts are added. */
  readonly accept?: (post: Post) => boolean;
  /** Called for each live post added (to announce it). */
  readonly onArrived?: (post: Post) => void;
}

function withoutDuplicates(posts: readonly Post[]): Post[] {
  const seen = new Set<string>();
  return posts.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

export function usePostList(fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<Post>>, deps: readonly unknown[], options: PostListOptions = {}): PostList {
  const [items, setItems] = useState<readonly Post[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  const [round, setRound] = useState(0);
  const arrivedEarly = useRef<Post[]>([]);
  const firstLoaded = useRef(false);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const shown = useRef(items);
  shown.current = items;
  const moreController = useRef<AbortController | undefined>(undefined);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  // A layout effect starts the request in the same task as the render, not after the next
  // paint, which costs a slow device a frame or more (bench/README.md, web UI).
  useLayoutEffect(() => {
    const controller = new AbortController();
    // A page of older posts still on its way belongs to the list being replaced.
    moreController.current?.abort();
    setLoading(true);
    setError(undefined);
    setItems([]);
    setNext(null);
    firstLoaded.current = false;
    arrivedEarly.current = [];
    fetchPage(undefined, controller.signal).then(
      (page) => {
        const newest = page.items[0]?.position ?? 0;
        const early = arrivedEarly.current.filter((p) => p.position > newest);
        setItems(withoutDuplicates([...early, ...page.items]));
        setNext(page.next);
        setLoading(false);
        firstLoaded.current = true;
      },
      (err: unknown) => {
        if ((err as Error).name === 'AbortError') return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, round]);

  useEffect(
    () =>
      onLive('post', (data) => {
        const post = data as Post;
        const { accept, onArrived } = optionsRef.current;
        if (!accept || typeof post?.id !== 'string' || !accept(post)) return;
        if (!firstLoaded.current) {
          arrivedEarly.current.unshift(post);
          return;
        }
        if (shown.current.some((p) => p.id === post.id)) return;
        setItems((old) => (old.some((p) => p.id === post.id) ? old : [post, ...old]));
        onArrived?.(post);
      }),
    [],
  );

  // After a long disconnection the stream says "reset" instead of replaying: read the list anew.
  useEffect(() => onLive('reset', () => setRound((r) => r + 1)), []);

  const more = useCallback(() => {
    if (next === null || loadingMore) return;
    setLoadingMore(true);
    setMoreError(undefined);
    const controller = new AbortController();
    moreController.current = controller;
    fetchRef.current(next, controller.signal).then(
      (page) => {
        setItems((old) => withoutDuplicates([...old, ...page.items]));
        setNext(page.next);
        setLoadingMore(false);
      },
      (err: unknown) => {
        setLoadingMore(false);
        if ((err as Error).name !== 'AbortError') setMoreError(err);
      },
    );
  }, [next, loadingMore]);

  return {
    items,
    loading,
    error,
    hasMore: next !== null,
    loadingMore,
    moreError,
    more,
    reload: useCallback(() => setRound((r) => r + 1), []),
    add: useCallback((post: Post) => setItems((old) => (old.some((p) => p.id === post.id) ? old : [post, ...old])), []),
    replace: useCallback((post: Post) => setItems((old) => old.map((p) => (p.id === post.id ? post : p))), []),
    remove: useCallback((postId: string) => setItems((old) => old.filter((p) => p.id !== postId)), []),
  };
}
