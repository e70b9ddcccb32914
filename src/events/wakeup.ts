// Wakes subscribers when new events may exist. Only a hint: subscribers always read by
// position, and poll on a timer too, so a lost notification delays but never drops an event.
// Within a process an EventEmitter carries it; across processes on PostgreSQL, NOTIFY sent
// after commit (never inside the write transaction: that takes a global lock at commit) and
// LISTEN on a connection of its own.
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from '../log/logger.js';

const CHANNEL = 'flurfunk_events';
const NOTIFY_INTERVAL_MS = 25;

export class Wakeup {
  private readonly emitter = new EventEmitter();
  /** Counts wake-ups, so a subscriber can tell whether one came while it was busy reading. */
  private wakes = 0;
  private pendingNotify: NodeJS.Timeout | undefined;
  private lastNotify = 0;
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly listenClient: (() => pg.Client) | undefined,
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** After a commit: wake local subscribers now, and other processes through NOTIFY. */
  committed(): void {
    this.wakeLocal();
    if (this.listenClient) this.requestNotify();
  }

  /** Wakes this process's waiting subscribers only. */
  wakeLocal(): void {
    this.wakes++;
    this.emitter.emit('wake');
  }

  /** The wake-up count now: pass it to `wait` to hear of wake-ups that come in between. */
  get generation(): number {
    return this.wakes;
  }

  /**
   * Resolves on the next wake-up or after `ms`, whichever comes first; at once if a wake-up
   * came since `since` (a generation read before the caller last looked for events).
   */
  async wait(ms: number, since?: number): Promise<void> {
    await this.startListening();
    if (since !== undefined && this.wakes !== since) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off('wake', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.on('wake', done);
    });
  }

  /** Stops waiting subscribers and closes the LISTEN connection. */
  async close(): Promise<void> {
    this.wakeLocal();
    if (this.pendingNotify) {
      clearTimeout(this.pendingNotify);
      this.pendingNotify = undefined;
      await this.sendNotify();
    }
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }

  // NOTIFY takes a global lock at commit: at most one per interval, however many appends
  // commit in it (the first at once, the rest coalesced into one at the end of the interval).
  private requestNotify(): void {
    if (this.pendingNotify) return;
    const wait = Math.max(0, this.lastNotify + NOTIFY_INTERVAL_MS - Date.now());
    this.pendingNotify = setTimeout(() => {
      this.pendingNotify = undefined;
      void this.sendNotify();
    }, wait);
  }

  private async sendNotify(): Promise<void> {
    this.lastNotify = Date.now();
    try {
      await this.knex.raw(`NOTIFY ${CHANNEL}`);
    } catch (err) {
      this.logger.warn({ err }, 'NOTIFY failed; other processes will see new events at their next poll');
    }
  }

  private startListening(): Promise<void> {
    if (!this.listenClient || this.listener) return Promise.resolve();
    this.listening ??= (async () => {
      const client = this.listenClient!();
      client.on('notification', () => this.emitter.emit('wake'));
      client.on('error', (err) => {
        this.logger.warn({ err }, 'LISTEN connection lost; falling back to polling until it is re-established');
        if (this.listener === client) this.listener = undefined;
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.listener = client;
      } catch (err) {
        this.logger.warn({ err }, 'LISTEN failed; subscribers poll instead');
        await client.end().catch(() => undefined);
      }
    })().finally(() => {
      this.listening = undefined;
    });
    return this.listening;
  }
}
