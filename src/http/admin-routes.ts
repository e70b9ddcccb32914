// The administrators' view of the policy: the active set (version, files, last rejected set,
// test results), explain, and every space's audience. Thin routes over src/admin/; 403 with
// the policy's reason for those it does not let read or explain Policy.
import express from 'express';
import { explain } from '../admin/explain-request.js';
import type { AdminDeps } from '../admin/policy-access.js';
import { policyOverview } from '../admin/policy-overview.js';
import { spaceOverview } from '../admin/space-overview.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, wrap } from './route-helpers.js';

export function adminRoutes(runtime: Runtime): express.Router {
  const router = express.Router();
  const deps: AdminDeps = { knex: runtime.db.knex, policy: runtime.policy!, policyDir: runtime.config.policyDir };

  router.get('/api/admin/policy', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await policyOverview(deps, callerOf(req, res)));
  }));

  router.post('/api/admin/policy/explain', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await explain(deps, callerOf(req, res), req.body));
  }));

  router.get('/api/admin/spaces', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await spaceOverview(deps, callerOf(req, res)));
  }));
  return router;
}
