// Liveness and readiness for load balancers and orchestrators.
import { Router } from 'express';
import { pendingMigrations } from '../db/migrations.js';
import type { Projector } from '../events/projector.js';
import type { Runtime } from '../runtime.js';
import { sendProblem } from './problem.js';

export interface Lifecycle {
  /** Set when shutdown begins, so load balancers stop sending new work. */
  draining: boolean;
}

/** Read models failing this long make the process unready: its writes would only answer 202. */
const READ_MODELS_FAILING_MS = 30_000;

export function healthRoutes(runtime: Runtime, lifecycle: Lifecycle, projector: Projector): Router {
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
      const readModels = projector.health();
      if (readModels.failingSince && runtime.clock().getTime() - readModels.failingSince.getTime() > READ_MODELS_FAILING_MS) {
        return sendProblem(res, 503, `The read models have failed to update since ${readModels.failingSince.toISOString()}; see the log.`, 'read_models_failing');
      }
      res.json({
        status: 'ready',
        database: runtime.db.kind,
        head: head.position,
        readModels: { position: readModels.position, behind: Math.max(0, head.position - readModels.position) },
        policyVersion: runtime.policy?.version ?? null,
      });
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
      sendProblem(res, 503, 'The database does not answer.', 'database_unavailable');
    }
  });
  return router;
}
