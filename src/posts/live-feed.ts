// One subscription to the event store per process, fanned out to every open realtime stream,
// so a thousand open streams cost one reader, not a thousand. Events from other processes
// arrive through the store's NOTIFY wake-ups like local ones.
import type { EventStore, Subscription } from '../events/event-store.js';
import type { RecordedEvent } from '../events/types.js';

export type FeedListener = (events: readonly RecordedEvent[]) => void;

export class LiveFeed {
  private readonly listeners = new Map<FeedListener, () => void>();
  private subscription: Subscription | undefined;

  private constructor() {}

  static async start(store: EventStore): Promise<LiveFeed> {
    const feed = new LiveFeed();
    const head = await store.head();
    feed.subscription = store.subscribe(
      head.position,
      (events) => {
        for (const listener of feed.listeners.keys()) listener(events);
        return Promise.resolve();
      },
      { retryMs: 1_000 },
    );
    return feed;
  }

  /**
   * Calls `listener` with every batch from now on, and `onEnd` when the feed stops (the
   * server shuts down), so open streams end instead of holding the shutdown up. Returns the
   * function that stops listening.
   */
  listen(listener: FeedListener, onEnd: () => void): () => void {
    this.listeners.set(listener, onEnd);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    const ends = [...this.listeners.values()];
    this.listeners.clear();
    for (const end of ends) end();
    await this.subscription?.stop();
  }
}
