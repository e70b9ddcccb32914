// Assembles the running parts from a validated configuration, in dependency order: keys,
// database, migrations, installation binding, event store. `close` takes them down in reverse.
import type { Config } from './config/config.js';
import { openDatabase, dedicatedClient, type Database } from './db/database.js';
import { ensureMigrated } from './db/migrations.js';
import { eventCatalogue } from './audit/event-catalogue.js';
import { Checkpointer } from './events/checkpoints.js';
import { EventStore } from './events/event-store.js';
import { Wakeup } from './events/wakeup.js';
import { DataKeys } from './keys/data-keys.js';
import { bindInstallation } from './keys/installation-binding.js';
import { loadOrCreateInstallationKey } from './keys/installation-key.js';
import { loadOrCreateSigningKey, type SigningKey } from './keys/signing-key.js';
import type { Logger } from './log/logger.js';
import { ActivePolicy } from './policy/active-policy.js';

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly store: EventStore;
  readonly signingKey: SigningKey;
  /** The time as the runtime sees it (tests move it). */
  readonly clock: () => Date;
  /** The policy that decides; present when started with `policy` (the server). */
  readonly policy: ActivePolicy | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Apply pending migrations (serve, migrate); otherwise refuse to run with pending ones. */
  readonly migrate: boolean;
  readonly clock?: () => Date;
  /** Activate and follow the policy from POLICY_DIR; `watch` also reloads on file changes. */
  readonly policy?: { readonly watch: boolean };
  /**
   * `enforce` (the default): the store refuses any event the audit event catalogue does not
   * describe. `off` only for tests and benchmarks of the bare store, which append made-up types.
   */
  readonly eventCatalogue?: 'enforce' | 'off';
}

export async function startRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const installationKey = loadOrCreateInstallationKey(config.keys.installationKeyFile);
  const signingKey = loadOrCreateSigningKey(config.keys.signingKeyFile, config.keys.signingCertFile);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax, logger });
  try {
    const applied = await ensureMigrated(db.knex, options.migrate);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    await bindInstallation(db.knex, installationKey, signingKey);
    const clock = options.clock ?? (() => new Date());
    const checkpointer = new Checkpointer({
      knex: db.knex,
      signingKey,
      file: config.checkpoints.file,
      everyEvents: config.checkpoints.everyEvents,
      intervalSeconds: config.checkpoints.intervalSeconds,
      clock,
      logger,
    });
    await checkpointer.start();
    const connectionString = db.connectionString;
    const wakeup = new Wakeup(db.knex, connectionString ? () => dedicatedClient(connectionString) : undefined, logger);
    const catalogue = options.eventCatalogue === 'off' ? undefined : eventCatalogue();
    const store = new EventStore({
      knex: db.knex,
      dataKeys: new DataKeys(installationKey.key),
      wakeup,
      checkpointer,
      logger,
      clock,
      checkEvents: catalogue && ((streamId, events) => catalogue.check(streamId, events)),
    });
    let policy: ActivePolicy | undefined;
    let closing: Promise<void> | undefined;
    if (options.policy) {
      try {
        policy = await ActivePolicy.start({ store, dir: config.policyDir, logger, clock, watch: options.policy.watch });
      } catch (err) {
        await store.close();
        throw err;
      }
    }
    return {
      config,
      logger,
      db,
      store,
      signingKey,
      clock,
      policy,
      // Idempotent: the server's shutdown and its owner may both close it.
      close() {
        closing ??= (async () => {
          try {
            await policy?.close();
            await store.close();
          } finally {
            await db.close();
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
