// `flurfunk events rebuild`: recreate every read model from the events. With the embedded
// database the server must be stopped anyway (one process per data folder); on a PostgreSQL
// server, stop the servers first.
import { loadConfig } from '../config/config.js';
import { rebuildReadModels } from '../events/projector.js';
import { createLogger } from '../log/logger.js';
import { projections } from '../read-models.js';
import { startRuntime } from '../runtime.js';

export async function rebuildCommand(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const runtime = await startRuntime(config, logger, { migrate: false });
  try {
    const started = performance.now();
    const { events } = await rebuildReadModels(runtime.db.knex, runtime.store, projections);
    console.log(`rebuilt ${projections.map((p) => p.name).join(', ')} from ${events} events in ${Math.round(performance.now() - started)} ms`);
  } finally {
    await runtime.close();
  }
}
