// Opens the one database Flurfunk uses: PostgreSQL through knex + pg when DATABASE_URL is set,
// otherwise the embedded PGlite (knex-pglite) in the data folder. Both speak the same SQL and
// run the same migrations; callers only see `Database`.
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import type { Logger } from '../log/logger.js';
import { lockDataDir } from './data-dir-lock.js';
import { translateDriverError } from './errors.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly kind: DatabaseKind;
  readonly knex: Knex;
  /** Where the data lives, for messages: the data folder, or the server's host and database. */
  readonly location: string;
  /** For LISTEN: a connection outside the pool (PostgreSQL only). */
  readonly connectionString: string | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly poolMax?: number;
  readonly logger?: Logger;
}

// pg parses int8 to string (it may exceed 2^53); our positions stay far below and are
// converted explicitly where read (db/values.ts), so the default parser stays.
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl !== undefined) return openPostgres(options.databaseUrl, options.poolMax ?? 10);
  return openPglite(options.dataDir, options.logger);
}

async function openPostgres(url: string, poolMax: number): Promise<Database> {
  const knex = knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'flurfunk' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
  const u = new URL(url);
  const location = `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy();
    throw translateDriverError(err, `PostgreSQL at ${location}`);
  }
  return { kind: 'postgres', knex, location, connectionString: url, close: () => knex.destroy() };
}

async function openPglite(dataDir: string, logger: Logger | undefined): Promise<Database> {
  const lock = lockDataDir(dataDir);
  const folder = path.join(dataDir, 'pgdata');
  logger?.debug({ folder }, 'opening embedded database');
  const knex = knexFactory({ client: ClientPgLite, connection: { filename: folder } });
  try {
    await knex.raw('select 1');
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    lock.release();
    throw translateDriverError(err, `the embedded database in ${folder}`);
  }
  return {
    kind: 'pglite',
    knex,
    location: folder,
    connectionString: undefined,
    async close() {
      try {
        await knex.destroy();
      } finally {
        lock.release();
      }
    },
  };
}

/** A plain pg client on the same server, for LISTEN, which needs a connection of its own. */
export function dedicatedClient(connectionString: string): pg.Client {
  return new pg.Client({ connectionString, application_name: 'flurfunk-listen' });
}
