// The audit trail for data-protection officers: GET /api/audit/events, and the catalogue that
// explains its events (GET /api/audit/catalogue), under the same AuditLog rule.
import express from 'express';
import type { Projector } from '../events/projector.js';
import { auditFilters, readAuditTrail, requireAuditReader } from '../audit/audit-queries.js';
import { eventCatalogue } from '../audit/event-catalogue.js';
import { decidingPolicy } from '../posts/commands.js';
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

  router.get('/api/audit/catalogue', requireSignIn, wrap((req, res) => {
    requireAuditReader(decidingPolicy(deps, callerOf(req, res)).ability);
    const items = eventCatalogue().entries.map((e) => ({ type: e.type, category: e.category, categoryTitle: e.categoryTitle, description: e.description, sealed: e.sealed ?? null, streams: e.streams, schema: e.schema }));
    res.json({ items, next: null });
    return Promise.resolve();
  }));
  return router;
}
