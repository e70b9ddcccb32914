// `flurfunk migrate`: apply pending migrations, as the schema owner, and say what was done.
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrations.js';
import { createLogger } from '../log/logger.js';

export async function migrateCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    const applied = await migrateToLatest(db.knex);
    console.log(applied.length === 0 ? `${db.location}: up to date` : `${db.location}: applied ${applied.join(', ')}`);
  } finally {
    await db.close();
  }
}
