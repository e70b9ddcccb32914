// `flurfunk serve`: start the runtime and the HTTP server; shut down gracefully on signals.
import { loadConfig } from '../config/config.js';

export async function serveCommand(): Promise<void> {
  const config = loadConfig();
  // Loaded after the configuration held: a wrong variable is reported without first loading
  // the server, the database drivers and the identity provider.
  const [{ startServer }, { assertSignInConfigured }, { createLogger }, { startRuntime }] = await Promise.all([
    import('../http/server.js'),
    import('../identity/identity.js'),
    import('../log/logger.js'),
    import('../runtime.js'),
  ]);
  assertSignInConfigured(config);
  const logger = createLogger(config.logLevel);
  const runtime = await startRuntime(config, logger, { migrate: true, policy: { watch: true } });
  let server;
  try {
    server = await startServer(runtime);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      running.shutdown(signal).then(resolve, (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
