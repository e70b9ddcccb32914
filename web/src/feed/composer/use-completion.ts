// Suggestions for the @mention or #topic being typed: people from the directory, topics
// from posts the person may read (both decided by the server), asked shortly after typing
// pauses; an older answer never overwrites a newer one. Escape dismisses them until the
// person types on.
import { useEffect, useState } from 'preact/hooks';
import { api, type Page } from '../../api.js';
import type { Person } from '../types.js';
import type { Token } from './text-edit.js';

export interface Suggestion {
  readonly key: string;
  readonly label: string;
  readonly detail: string;
  /** What replaces the token: "@ada" or "#apollo". */
  readonly insert: string;
}

export interface Completion {
  readonly suggestions: readonly Suggestion[];
  readonly active: number;
  readonly setActive: (index: number) => void;
  readonly dismiss: () => void;
}

const PAUSE_MS = 120;

async function suggestionsFor(token: Token, signal: AbortSignal, topicCount: (n: number) => string): Promise<Suggestion[]> {
  if (token.kind === 'mention') {
    const page = await api<Page<Person>>('/api/people', { query: { q: token.query }, signal });
    return page.items.map((p) => ({ key: `@${p.id}`, label: p.name ?? p.id, detail: `@${p.id}`, insert: `@${p.id}` }));
  }
  const page = await api<Page<{ topic: string; posts: number }>>('/api/topics', { query: { q: token.query }, signal });
  return page.items.map((item) => ({ key: `#${item.topic}`, label: `#${item.topic}`, detail: topicCount(item.posts), insert: `#${item.topic}` }));
}

export function useCompletion(token: Token | undefined, topicCount: (n: number) => string): Completion {
  const [suggestions, setSuggestions] = useState<readonly Suggestion[]>([]);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | undefined>(undefined);
  // Dismissed for what is typed now: typing on asks again.
  const where = token ? `${token.kind}:${token.start}:${token.query}` : undefined;
  const wanted = token && where !== dismissed && (token.kind === 'topic' || token.query.length > 0);

  useEffect(() => {
    if (!token || !wanted) {
      setSuggestions([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      suggestionsFor(token, controller.signal, topicCount).then(
        (found) => {
          if (controller.signal.aborted) return;
          setSuggestions(found);
          setActive(0);
        },
        // Suggestions are a convenience: without them, typing the name still works.
        () => {
          if (!controller.signal.aborted) setSuggestions([]);
        },
      );
    }, PAUSE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [token?.kind, token?.query, token?.start, wanted]);

  useEffect(() => {
    if (dismissed !== undefined && where !== dismissed) setDismissed(undefined);
  }, [where]);

  return {
    suggestions: wanted ? suggestions : [],
    active: Math.min(active, Math.max(0, suggestions.length - 1)),
    setActive,
    dismiss: () => {
      setDismissed(where);
      setSuggestions([]);
    },
  };
}
