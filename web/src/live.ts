// The realtime stream (GET /api/stream): one EventSource per tab, shared by every page.
// Pages subscribe to the event types they show; notifications also move the unread counts.
// EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed.
import { signal } from '@preact/signals';
import { refreshUnread } from './session.js';

export type LiveType = 'post' | 'comment' | 'message' | 'notification' | 'reset';
type Listener = (data: unknown) => void;

const listeners = new Map<LiveType, Set<Listener>>();
let source: EventSource | undefined;

/** Whether the stream is connected right now (shown discreetly in the header). */
export const connected = signal(true);

function dispatch(type: LiveType, data: unknown): void {
  for (const listener of listeners.get(type) ?? []) listener(data);
}

export function startLive(): void {
  if (source) return;
  source = new EventSource('/api/stream');
  source.onopen = () => {
    connected.value = true;
  };
  source.onerror = () => {
    connected.value = false;
  };
  for (const type of ['post', 'comment', 'message', 'notification', 'reset'] as const) {
    source.addEventListener(type, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        data = null;
      }
      if (type === 'notification' || type === 'message' || type === 'reset') void refreshUnread().catch(() => undefined);
      dispatch(type, data);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = undefined;
  connected.value = false;
}

/** Calls `listener` with each live event of `type`; answers the unsubscribe function. */
export function onLive(type: LiveType, listener: Listener): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}
