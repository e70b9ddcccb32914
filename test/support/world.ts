// Each test builds its own world: a fresh database (a copy of a migrated template, so the
// 3.5 s PGlite initdb and the migrations run once per test run), its own data folder, and
// the real runtime on top. DATABASE_URL set: worlds are databases on that PostgreSQL server
// (the URL must name a superuser, as the tamper tests need one); unset: embedded PGlite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { loadConfig, type Config } from '../../src/config/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { loadOrCreateInstallationKey } from '../../src/keys/installation-key.js';
import { loadOrCreateSigningKey } from '../../src/keys/signing-key.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';

export const adminUrl = process.env.DATABASE_URL || undefined;
export const databaseKind: 'postgres' | 'pglite' = adminUrl ? 'postgres' : 'pglite';
export const testLogger: Logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-test-'));
const templateDir = path.join(root, 'template');
const templateDb = `ff_template_${process.pid}`;
const createdDatabases: string[] = [];
const runningWorlds = new Set<World>();
let templateReady: Promise<void> | undefined;
let counter = 0;

function urlFor(database: string): string {
  const u = new URL(adminUrl!);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (knex: Knex) => Promise<T>): Promise<T> {
  const knex = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    return await fn(knex);
  } finally {
    await knex.destroy();
  }
}

function buildTemplate(): Promise<void> {
  templateReady ??= (async () => {
    // Keys are made once and copied into every world: RSA key generation is slow.
    loadOrCreateInstallationKey(path.join(templateDir, 'keys', 'installation.key'));
    loadOrCreateSigningKey(path.join(templateDir, 'keys', 'signing-key.pem'), path.join(templateDir, 'keys', 'signing-cert.pem'));
    if (adminUrl) {
      await withAdmin((k) => k.raw(`CREATE DATABASE ${templateDb}`));
      createdDatabases.push(templateDb);
      const db = await openDatabase({ databaseUrl: urlFor(templateDb), dataDir: templateDir });
      await migrateToLatest(db.knex);
      await db.close();
    } else {
      const db = await openDatabase({ databaseUrl: undefined, dataDir: templateDir });
      await migrateToLatest(db.knex);
      await db.close();
      // PGlite clears its shared buffers in WebAssembly at every open: with the 128 MB initdb
      // chooses, an open costs about a second more. Test worlds hold little data, so 16 MB is
      // plenty; every world and every CLI process started on one opens with it.
      fs.appendFileSync(path.join(templateDir, 'pgdata', 'postgresql.conf'), '\n# test worlds (test/support/world.ts)\nshared_buffers = 16MB\n');
    }
  })();
  return templateReady;
}

export interface World {
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly config: Config;
  /** Starts (or restarts) the runtime on this world's database. */
  /** `eventCatalogue: 'off'` only for tests of the bare store that append made-up event types. */
  start(options?: { clock?: () => Date; policy?: { watch: boolean }; eventCatalogue?: 'enforce' | 'off' }): Promise<Runtime>;
  /** The running runtime; throws when not started. */
  readonly runtime: Runtime;
  stop(): Promise<void>;
}

/** A fresh, migrated, empty database with its own data folder. */
export async function createWorld(extraEnv: Record<string, string> = {}): Promise<World> {
  await buildTemplate();
  const name = `w${++counter}`;
  const dataDir = path.join(root, name);
  fs.cpSync(templateDir, dataDir, { recursive: true });
  fs.rmSync(path.join(dataDir, 'flurfunk.pid'), { force: true });
  // No scheduled retention runs unless a test asks for them: a sweep at every start would move what tests count.
  const env: Record<string, string> = { FLURFUNK_DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', FLURFUNK_RETENTION_INTERVAL: '0', ...extraEnv };
  if (adminUrl) {
    const database = `ff_${process.pid}_${name}`;
    await withAdmin((k) => k.raw(`CREATE DATABASE ${database} TEMPLATE ${templateDb}`));
    createdDatabases.push(database);
    env.DATABASE_URL = urlFor(database);
  }
  const config = loadConfig(env);
  let runtime: Runtime | undefined;
  const world: World = {
    dataDir,
    env,
    config,
    async start(options = {}) {
      if (runtime) throw new Error('world already started');
      runtime = await startRuntime(config, testLogger, { migrate: true, clock: options.clock, policy: options.policy, eventCatalogue: options.eventCatalogue });
      runningWorlds.add(world);
      return runtime;
    },
    get runtime() {
      if (!runtime) throw new Error('world not started');
      return runtime;
    },
    async stop() {
      const r = runtime;
      runtime = undefined;
      runningWorlds.delete(world);
      await r?.close();
    },
  };
  return world;
}

/** Removes every database and folder this test run created. */
export async function cleanUpWorlds(): Promise<void> {
  // A runtime a test forgot to stop holds a connection pool whose timer keeps mocha alive.
  for (const world of [...runningWorlds]) await world.stop();
  if (adminUrl && createdDatabases.length > 0) {
    await withAdmin(async (k) => {
      for (const db of createdDatabases.reverse()) await k.raw(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    });
  }
  fs.rmSync(root, { recursive: true, force: true });
}
