// Assembles the express application: request ids and logging, secure headers, routes, and the
// one error handler. Routers stay thin; this file only orders them.
import crypto from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Runtime } from '../runtime.js';
import { healthRoutes, type Lifecycle } from './health-routes.js';
import { openApiDocument } from './openapi.js';
import { errorHandler, notFound } from './problem.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(runtime: Runtime, lifecycle: Lifecycle): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    pinoHttp({
      logger: runtime.logger,
      // Accept a caller's request id (from a proxy) when it is harmless; otherwise make one.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // Method, path and status are enough to follow a request; headers and query strings may carry secrets.
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0], remoteAddress: req.remoteAddress }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  const https = runtime.config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      strictTransportSecurity: https,
      // Upgrading requests on a plain-http installation would break every link to it.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    }),
  );
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes(runtime, lifecycle));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
