// Helpers shared by the benches: a database of their own on a PostgreSQL server.
import knexFactory, { type Knex } from 'knex';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

// Quiet: a server that is not there is reported once, by the caller, in one line.
const quiet = { warn() {}, error() {}, debug() {}, deprecate() {} };

export async function withAdmin<T>(url: string, fn: (knex: Knex) => Promise<T>): Promise<T> {
  const knex = knexFactory({ client: 'pg', connection: { connectionString: url, application_name: 'flurfunk-bench' }, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 5_000, log: quiet });
  try {
    return await fn(knex);
  } finally {
    await knex.destroy();
  }
}

/**
 * Runs `fn` on a fresh database `<prefix>_<pid>` on the server and drops it afterwards, also
 * when the bench is interrupted. Returns `{ ran: false, reason }` when it cannot be created.
 */
export async function withScratchDatabase<T>(adminUrl: string, prefix: string, fn: (databaseUrl: string) => Promise<T>): Promise<T | { kind: 'postgres'; ran: false; reason: string }> {
  const database = `${prefix}_${process.pid}`;
  try {
    await withAdmin(adminUrl, (k) => k.raw(`CREATE DATABASE ${database}`));
  } catch (err) {
    return { kind: 'postgres', ran: false, reason: `cannot create database ${database} at ${describeUrl(adminUrl)}: ${(err as Error).message}` };
  }
  const drop = () => withAdmin(adminUrl, (k) => k.raw(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: dropping ${database} before exiting`);
    void drop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(withDatabase(adminUrl, database));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await drop();
  }
}
