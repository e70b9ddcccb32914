// Liveness and readiness for load balancers and orchestrators.
import { Router } from 'express';
import { pendingMigrations } from '../db/migrations.js';
import type { Runtime } from '../runtime.js';
import { sendProblem } from './problem.js';

export interface Lifecycle {
  /** Set when shutdown begins, so load balancers stop sending new work. */
  draining: boolean;
}

export function healthRoutes(runtime: Runtime, lifecycle: Lifecycle): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    if (lifecycle.draining) return sendProblem(res, 503, 'Shutting down.', 'draining');
    try {
      const pending = await pendingMigrations(runtime.db.knex);
      if (pending.length > 0) return sendProblem(res, 503, 'Database migrations are pending.', 'migrations_pending');
      const head = await runtime.store.head();
      res.json({ status: 'ready', database: runtime.db.kind, head: head.position, policyVersion: runtime.policy?.version ?? null });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      sendProblem(res, 503, 'The database does not answer.', 'database_unavailable');
    }
  });
  return router;
}
