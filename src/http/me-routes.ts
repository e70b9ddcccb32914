// GET /api/me: who the caller is under the active policy, and for a browser session the CSRF
// token its state-changing requests must carry.
import express from 'express';
import type { Runtime } from '../runtime.js';
import { authOf, requireSignIn } from './authenticate.js';

export function meRoutes(runtime: Runtime): express.Router {
  const router = express.Router();
  router.get('/api/me', requireSignIn, (_req, res) => {
    const auth = authOf(res)!;
    const { principal } = auth;
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      id: principal.id,
      name: auth.name ?? null,
      email: auth.email ?? null,
      groups: principal.groups,
      roles: principal.roles,
      policyVersion: runtime.policy?.version ?? null,
      via: auth.via,
      ...(auth.via === 'session' ? { csrfToken: auth.session.csrfToken, session: { signedInAt: auth.session.createdAt.toISOString(), expiresAt: auth.session.expiresAt.toISOString() } } : {}),
    });
  });
  return router;
}
