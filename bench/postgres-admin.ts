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
