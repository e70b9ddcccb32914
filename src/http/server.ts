// Listens (HTTP, or HTTPS when TLS_CERT/TLS_KEY are set) and shuts down gracefully: stop
// accepting, report not-ready, let in-flight requests finish, then close the runtime, which
// commits every queued append and signs a last checkpoint.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../runtime.js';
import { startAttachmentHousekeeping } from '../attachments/housekeeping.js';
import { startExportHousekeeping } from '../audit/export-housekeeping.js';
import { exportsDir, settleRunningExports } from '../audit/export-jobs.js';
import { Projector } from '../events/projector.js';
import { LiveFeed } from '../posts/live-feed.js';
import { startIdentity } from '../identity/identity.js';
import { projections } from '../read-models.js';
import { startRetentionSchedule } from '../retention/retention-service.js';
import { retentionDeps } from './retention-routes.js';
import { recordServerStart } from '../audit/server-started.js';
import { createApp } from './app.js';
import type { Lifecycle } from './health-routes.js';

const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Idempotent; resolves when everything is closed. */
  shutdown(reason: string): Promise<void>;
}

export async function startServer(runtime: Runtime): Promise<RunningServer> {
  const { config, logger } = runtime;
  const lifecycle: Lifecycle = { draining: false };
  const projector = await Projector.start(runtime.db.knex, runtime.store, projections, logger);
  const feed = await LiveFeed.start(runtime.store);
  const identity = await startIdentity(runtime);
  const stopAttachmentHousekeeping = startAttachmentHousekeeping(runtime.db.knex, runtime.store, runtime.clock, logger);
  const stopExportHousekeeping = startExportHousekeeping(runtime.db.knex, runtime.store, exportsDir(config.dataDir), runtime.clock, logger);
  const retentionInterval = config.retention.intervalSeconds;
  const stopRetention = retentionInterval > 0 ? startRetentionSchedule(retentionDeps(runtime, projector), retentionInterval) : () => Promise.resolve();
  const stopHousekeeping = async () => {
    await stopAttachmentHousekeeping();
    await stopExportHousekeeping();
    await stopRetention();
  };
  const app = createApp(runtime, lifecycle, { identity, projector, feed });
  const server = config.tls
    ? https.createServer({ cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) }, app)
    : http.createServer(app);
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Once listening, so the record means "started"; a server that cannot record it stops.
    await recordServerStart(runtime, { kind: identity.devProvider ? 'development' : 'configured', issuer: identity.rp.issuer });
  } catch (err) {
    if (server.listening) server.close();
    await stopHousekeeping();
    await identity.close();
    await feed.stop();
    await projector.stop();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `${config.tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, publicUrl: config.publicUrl, database: runtime.db.kind, location: runtime.db.location }, 'Flurfunk is listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    shutdown(reason) {
      closing ??= (async () => {
        logger.info({ reason }, 'shutting down');
        lifecycle.draining = true;
        await feed.stop(); // ends the open realtime streams; browsers reconnect elsewhere
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Requests still running after the grace period are cut off rather than waited for.
          setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        });
        await stopHousekeeping();
        // An export still being written after the grace period is left to housekeeping.
        await settleRunningExports(SHUTDOWN_GRACE_MS);
        await identity.close();
        await projector.stop();
        await runtime.close();
        logger.info('shutdown complete');
      })();
      return closing;
    },
  };
}
