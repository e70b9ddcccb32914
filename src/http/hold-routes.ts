// Legal holds: thin routes. DPOs place, list, read and lift holds (/api/holds); every signed-in
// person sees, without the matter, whether holds keep their spaces' or their own content
// (/api/me/retention).
import express from 'express';
import type { Projector } from '../events/projector.js';
import { decidingPolicy } from '../posts/commands.js';
import { holdBarrier } from '../retention/hold-barrier.js';
import { liftHold, placeHold, type HoldDeps } from '../retention/hold-commands.js';
import { holdById, listHolds } from '../retention/hold-queries.js';
import { myRetention } from '../retention/my-retention.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

export function holdRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: HoldDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector, barrier: holdBarrier(runtime.db) };

  router.post('/api/holds', requireSignIn, wrap(async (req, res) => {
    const hold = await placeHold(deps, callerOf(req, res), req.body);
    res.status(201).location(`/api/holds/${hold.id}`).json(hold);
  }));

  router.get('/api/holds', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listHolds(deps, callerOf(req, res), pageOf(req.query)));
  }));

  router.get('/api/holds/:holdId', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await holdById(deps, callerOf(req, res), String(req.params.holdId)));
  }));

  router.post('/api/holds/:holdId/lift', requireSignIn, wrap(async (req, res) => {
    res.json(await liftHold(deps, callerOf(req, res), String(req.params.holdId), req.body));
  }));

  router.get('/api/me/retention', requireSignIn, wrap(async (req, res) => {
    const caller = callerOf(req, res);
    const { policy, ability } = decidingPolicy(deps, caller);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await myRetention(deps.knex, policy, ability, caller.principal.id));
  }));
  return router;
}
