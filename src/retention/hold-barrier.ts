// The lock between placing legal holds and shredding: shreds share it, placing a hold takes it
// alone. Why this makes the retention check race-free (see legal-holds.ts for the reading side):
//
//   A shred reads the hold EVENTS (not the read model, which may lag behind its events) and runs
//   `shred` while holding the lock shared; placing a hold appends its event while holding the
//   lock exclusively, and lets go only after the append committed. Exclusive excludes shared,
//   so the two never overlap: either the placement's commit happened before the shred took the
//   lock — then the shred's read (a statement started after that commit, READ COMMITTED) sees
//   the hold and skips the candidate — or the placement waits until the shred let go, which is
//   after `shred` committed. There is no third order.
//
// Two layers, because the two databases differ:
//   - In the process: a read/write lock (FIFO, so a waiting placement is not starved by a long
//     sweep: readers that arrive after it wait behind it). On the embedded PGlite this is the
//     whole barrier: it is one process (data-dir-lock.ts), and it has ONE connection, so a
//     database lock held by a transaction while `shred` or the append wait for that same
//     connection would deadlock. Nothing here holds a PGlite transaction open.
//   - On PostgreSQL additionally an advisory lock, for other processes: shared
//     (pg_advisory_xact_lock_shared) in a transaction that stays open around the read and
//     `shred`, exclusive (pg_advisory_xact_lock) in a transaction that stays open around the
//     append. These transactions only hold the lock; the work runs on other pool connections
//     (at least 2 per process: DATABASE_POOL_MAX). Taking the in-process lock first means a
//     process holds at most one such connection for a waiting placement.
//
// Lifting a hold takes no lock: a sweep that still sees a hold being lifted skips the candidate
// this time, which is the safe side; the next sweep shreds it.
import type { Knex } from 'knex';
import type { DatabaseKind } from '../db/database.js';

/** The advisory lock's key (pg_advisory_*(bigint)); distinct from the chain's 7380733299763661675. */
const HOLDS_LOCK = '7380733299763661676';

/** A FIFO read/write lock inside one process. */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private readonly queue: { readonly write: boolean; readonly go: () => void }[] = [];

  /** Waiting acquisitions (for tests that need to know a placement is waiting). */
  get waiting(): number {
    return this.queue.length;
  }

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await fn();
    } finally {
      this.release(false);
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await fn();
    } finally {
      this.release(true);
    }
  }

  private acquire(write: boolean): Promise<void> {
    if (this.queue.length === 0 && !this.writing && (!write || this.readers === 0)) {
      this.take(write);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ write, go: () => (this.take(write), resolve()) }));
  }

  private take(write: boolean): void {
    if (write) this.writing = true;
    else this.readers++;
  }

  private release(write: boolean): void {
    if (write) this.writing = false;
    else this.readers--;
    // Grant in arrival order: a writer once nobody holds the lock, readers while no writer does.
    while (this.queue.length > 0 && !this.writing) {
      const next = this.queue[0]!;
      if (next.write && this.readers > 0) break;
      this.queue.shift();
      next.go();
    }
  }
}

export interface HoldBarrier {
  /** Runs `fn` while no hold is being placed, in this process or (PostgreSQL) any other. */
  shared<T>(fn: (db: Knex | Knex.Transaction) => Promise<T>): Promise<T>;
  /** Runs `fn` (the append of a hold) while no shred is between its check and its end. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The in-process lock, for tests that must see a placement waiting. */
  readonly local: ReadWriteLock;
}

const barriers = new WeakMap<Knex, HoldBarrier>();

/** The one barrier of a database handle, so the sweeper and the hold commands share it. */
export function holdBarrier(db: { readonly knex: Knex; readonly kind: DatabaseKind }): HoldBarrier {
  let barrier = barriers.get(db.knex);
  if (!barrier) {
    barrier = db.kind === 'postgres' ? postgresBarrier(db.knex) : embeddedBarrier(db.knex);
    barriers.set(db.knex, barrier);
  }
  return barrier;
}

function embeddedBarrier(knex: Knex): HoldBarrier {
  const local = new ReadWriteLock();
  return {
    local,
    shared: (fn) => local.shared(() => fn(knex)),
    exclusive: (fn) => local.exclusive(fn),
  };
}

function postgresBarrier(knex: Knex): HoldBarrier {
  const local = new ReadWriteLock();
  return {
    local,
    shared: (fn) =>
      local.shared(() =>
        knex.transaction(async (trx) => {
          await trx.raw('SELECT pg_advisory_xact_lock_shared(?::bigint)', [HOLDS_LOCK]);
          return fn(trx);
        }),
      ),
    exclusive: (fn) =>
      local.exclusive(() =>
        knex.transaction(async (trx) => {
          await trx.raw('SELECT pg_advisory_xact_lock(?::bigint)', [HOLDS_LOCK]);
          return fn();
        }),
      ),
  };
}
