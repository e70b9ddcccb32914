// Loads data for a page and reloads it on demand; a newer load wins over an older one that
// answers late, and leaving the page aborts what is in flight.
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  reload(): void;
  /** Replaces the data in place (after a live update or an action). */
  set(update: (data: T | undefined) => T | undefined): void;
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const current = useRef(0);
  // Started in the render's own task rather than after the next paint (see use-post-list.ts).
  useLayoutEffect(() => {
    const controller = new AbortController();
    const mine = ++current.current;
    setLoading(true);
    setError(undefined);
    load(controller.signal).then(
      (value) => {
        if (mine !== current.current) return;
        setData(value);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== current.current || (err as Error).name === 'AbortError') return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const set = useCallback((update: (value: T | undefined) => T | undefined) => setData(update), []);
  return { data, error, loading, reload, set };
}
