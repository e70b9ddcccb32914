// Assembles the express application: request ids and logging, secure headers, routes, and the
// one error handler. Routers stay thin; this file only orders them.
import crypto from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Runtime } from '../runtime.js';
import { DEV_ISSUER_PATH, type Identity } from '../identity/identity.js';
import { DEV_PAGE_STYLE_HASH } from '../identity/dev-pages.js';
import { adminRoutes } from './admin-routes.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { composerRoutes } from './composer-routes.js';
import { conversationRoutes } from './conversation-routes.js';
import { authenticate, requireCsrf } from './authenticate.js';
import { Cookies } from './cookies.js';
import { healthRoutes, type Lifecycle } from './health-routes.js';
import { holdRoutes } from './hold-routes.js';
import { retentionRoutes } from './retention-routes.js';
import { meRoutes } from './me-routes.js';
import { microblogRoutes } from './microblog-routes.js';
import { peopleRoutes } from './people-routes.js';
import { privilegedReadRoutes } from './privileged-read-routes.js';
import { socialRoutes } from './social-routes.js';
import type { Projector } from '../events/projector.js';
import type { LiveFeed } from '../posts/live-feed.js';
import { streamRoutes } from './stream-routes.js';
import { webUiRoutes } from './web-ui.js';
import { openApiDocument } from './openapi.js';
import { errorHandler, notFound } from './problem.js';
import { recordDenials } from './denials.js';
import { DenialAudit } from '../audit/denial-audit.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The parts of the running server the routes use beyond the runtime. */
export interface Services {
  readonly identity: Identity;
  readonly projector: Projector;
  readonly feed: LiveFeed;
}

export function createApp(runtime: Runtime, lifecycle: Lifecycle, services: Services): express.Express {
  const { identity, projector, feed } = services;
  const app = express();
  app.disable('x-powered-by');
  // Only the proxies named in TRUST_PROXY may say who the client is (rate limits, audit).
  app.set('trust proxy', runtime.config.trustProxy);
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
  const publicOrigin = new URL(runtime.config.publicUrl).origin;
  // Sign-out is a form post answered by a redirect to the identity provider; browsers apply
  // form-action to that redirect, so the provider's origin must be allowed too.
  const formAction = ["'self'", ...(identity.rp.issuer.startsWith(publicOrigin) ? [] : [new URL(identity.rp.issuer).origin])];
  app.use(
    helmet({
      strictTransportSecurity: https,
      contentSecurityPolicy: {
        directives: {
          // Upgrading requests on a plain-http installation would break every link to it.
          upgradeInsecureRequests: https ? [] : null,
          formAction,
          // The UI's styles are files of its own; only the development provider's pages carry
          // one fixed inline stylesheet, allowed by its hash.
          styleSrc: ["'self'", ...(identity.devProvider ? [DEV_PAGE_STYLE_HASH] : [])],
          fontSrc: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  // The development provider parses its own requests; it is mounted before any body parser.
  if (identity.devProvider) app.use(DEV_ISSUER_PATH, identity.devProvider.router);
  app.use(express.json({ limit: '1mb' }));
  const cookies = new Cookies(https);
  app.use(authenticate(identity, cookies));
  app.use(healthRoutes(runtime, lifecycle, projector));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.use(authRoutes(runtime, identity, cookies));
  app.use('/api', requireCsrf(publicOrigin));
  app.use(meRoutes(runtime));
  app.use(microblogRoutes(runtime, projector));
  app.use(conversationRoutes(runtime, projector));
  app.use(auditRoutes(runtime, projector));
  app.use(socialRoutes(runtime, projector));
  app.use(peopleRoutes(runtime, projector));
  app.use(composerRoutes(runtime));
  app.use(privilegedReadRoutes(runtime, projector));
  app.use(holdRoutes(runtime, projector));
  app.use(retentionRoutes(runtime, projector));
  app.use(adminRoutes(runtime));
  app.use(streamRoutes(runtime, projector, identity, feed));
  app.use(webUiRoutes());
  app.use(notFound);
  app.use(recordDenials(new DenialAudit(runtime.store, runtime.clock), () => runtime.policy?.version));
  app.use(errorHandler);
  return app;
}
