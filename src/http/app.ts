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
    }),
  );
  app.use(helmet({ strictTransportSecurity: runtime.config.publicUrl.startsWith('https:') }));
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRoutes(runtime, lifecycle));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
