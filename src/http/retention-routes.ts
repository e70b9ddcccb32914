// Retention for DPOs: the last runs, the receipts, what is due (a dry run), a run now, and
// erasure of one person on request. Thin routes over retention-service.ts and erasure.ts; 403
// with the policy's reason for everyone else.
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { erasePerson } from '../retention/erasure.js';
import { LegalHolds } from '../retention/legal-holds.js';
import { listReceipts, listRuns, runRetention, type RetentionDeps } from '../retention/retention-service.js';
import type { SweepReport } from '../retention/sweep.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

/** Items in an answer: the totals always cover everything, the list is cut here. */
export const MAX_ITEMS = 1_000;

export function retentionDeps(runtime: Runtime, projector: Projector): RetentionDeps {
  return { db: runtime.db, store: runtime.store, policy: runtime.policy!, projector, holds: new LegalHolds(runtime.db), logger: runtime.logger, clock: runtime.clock };
}

const answer = (report: SweepReport) => ({ ...report, items: report.items.slice(0, MAX_ITEMS), itemsTruncated: report.items.length > MAX_ITEMS });

function afterOf(raw: unknown): number {
  if (raw === undefined) return 0;
  if (typeof raw === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(raw)) return Number(raw);
  throw new ValidationError('"after" must be the position of the last receipt of the previous page');
}

export function retentionRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps = retentionDeps(runtime, projector);

  router.get('/api/retention/runs', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ runs: await listRuns(deps, callerOf(req, res), pageOf(req.query).limit) });
  }));

  router.post('/api/retention/runs', requireSignIn, wrap(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).filter((k) => k !== 'dryRun');
    if (unknown.length > 0 || (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')) throw new ValidationError('retention run: the body may only hold "dryRun" (true or false)');
    res.json(answer(await runRetention(deps, callerOf(req, res), { dryRun: body.dryRun === true, trigger: 'api' })));
  }));

  router.get('/api/retention/due', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(answer(await runRetention(deps, callerOf(req, res), { dryRun: true, trigger: 'api' })));
  }));

  router.get('/api/retention/receipts', requireSignIn, wrap(async (req, res) => {
    const { limit } = pageOf(req.query);
    const runId = typeof req.query.run === 'string' ? req.query.run : undefined;
    const receipts = await listReceipts(deps, callerOf(req, res), { after: afterOf(req.query.after), limit, runId });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ receipts, next: receipts.length === limit ? String(receipts[receipts.length - 1]!.position) : null });
  }));
  router.post('/api/people/:userId/erasure', requireSignIn, wrap(async (req, res) => {
    const { dryRun, ...body } = (req.body ?? {}) as Record<string, unknown>;
    if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new ValidationError('erasure: "dryRun" must be true or false');
    const result = await erasePerson(deps, callerOf(req, res), String(req.params.userId), body, { dryRun: dryRun === true });
    res.status(result.dryRun ? 200 : 201).json(result);
  }));
  return router;
}
