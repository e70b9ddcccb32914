// One retention run at a time, across processes: a second run (a second server's schedule, a
// CLI run during the server's) waits for the first rather than planning the same streams.
//
// In one process a promise chain; on PostgreSQL additionally a session advisory lock on a
// connection of its own, outside the pool: the run's work needs pool connections (the hold
// barrier, appends, the projector), and a lock holding one of them could starve it with a
// small pool. If the process dies, its connection closes and PostgreSQL releases the lock.
import type { Knex } from 'knex';
import { dedicatedClient, type DatabaseKind } from '../db/database.js';

/** The advisory lock's key: distinct from the chain's (…675) and the holds' (…676). */
const RUN_LOCK = '7380733299763661677';

const chains = new WeakMap<Knex, Promise<unknown>>();

export async function runLock<T>(db: { readonly knex: Knex; readonly kind: DatabaseKind; readonly connectionString?: string }, fn: () => Promise<T>): Promise<T> {
  const before = chains.get(db.knex) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => acrossProcesses(db, fn));
  chains.set(db.knex, mine);
  return mine;
}

async function acrossProcesses<T>(db: { readonly kind: DatabaseKind; readonly connectionString?: string }, fn: () => Promise<T>): Promise<T> {
  if (db.kind !== 'postgres' || db.connectionString === undefined) return fn();
  const client = dedicatedClient(db.connectionString);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [RUN_LOCK]);
    return await fn();
  } finally {
    await client.end(); // ends the session, and with it the lock
  }
}
