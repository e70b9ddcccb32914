// Runs the knex migrations in migrations/ (TypeScript under tsx, compiled JavaScript under
// dist/). A custom source instead of knex's directory loader because the same folder must
// work from both places and knex's loader guesses ESM/CJS wrongly for compiled output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { MigrationsPendingError } from '../errors.js';

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}

// src/db/ and dist/src/db/ both sit two levels below the folder that holds migrations/.
const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

function migrationFiles(): string[] {
  return fs
    .readdirSync(migrationsDir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
}

const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(migrationFiles()),
  getMigrationName: (file) => file.replace(/\.(ts|js)$/, ''),
  async getMigration(file) {
    const mod = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as MigrationModule;
    return { up: (knex: Knex) => mod.up(knex), down: (knex: Knex) => (mod.down ? mod.down(knex) : Promise.reject(new Error(`${file} cannot be rolled back`))) };
  },
};

const config: Knex.MigratorConfig = { migrationSource: source, tableName: 'knex_migrations' };

/** Applies pending migrations; returns the names applied. */
export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(config)) as [number, string[]];
  return applied;
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(config)) as [unknown, { file: string }[]];
  return pending.map((p) => source.getMigrationName(p.file));
}

/** Applies pending migrations only when there are some, so a restricted role can start when none are. */
export async function ensureMigrated(knex: Knex, apply: boolean): Promise<string[]> {
  const pending = await pendingMigrations(knex).catch(() => ['(migrations table missing)']);
  if (pending.length === 0) return [];
  if (!apply) throw new MigrationsPendingError(pending);
  return migrateToLatest(knex);
}
