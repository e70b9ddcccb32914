// The audit trail for data-protection officers: GET /api/audit/events.
import express from 'express';
import type { Projector } from '../events/projector.js';
import { auditFilters, readAuditTrail } from '../audit/audit-queries.js';
import type { CommandDeps } from '../posts/commands.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

export function auditRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };

  router.get('/api/audit/events', requireSignIn, wrap(async (req, res) => {
    const page = pageOf(req.query);
    const filters = auditFilters(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await readAuditTrail(deps, callerOf(req, res), filters, page));
  }));
  return router;
}
