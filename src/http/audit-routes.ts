// The audit trail for data-protection officers: GET /api/audit/events, the catalogue that
// explains its events (GET /api/audit/catalogue) under the same AuditLog rule, and exports as
// jobs under /api/audit/exports (request, follow, download, delete).
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import type { Projector } from '../events/projector.js';
import { auditFilters, readAuditTrail, requireAuditReader } from '../audit/audit-queries.js';
import { eventCatalogue } from '../audit/event-catalogue.js';
import { deleteExport, exportById, exportsDir, listExports, openExportDownload, requestExport, type ExportJobDeps } from '../audit/export-jobs.js';
import { decidingPolicy } from '../posts/commands.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

export function auditRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: ExportJobDeps = {
    knex: runtime.db.knex,
    store: runtime.store,
    policy: runtime.policy!,
    projector,
    signingKey: runtime.signingKey,
    dir: exportsDir(runtime.config.dataDir),
    clock: runtime.clock,
    logger: runtime.logger,
  };

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

  router.post('/api/audit/exports', requireSignIn, wrap(async (req, res) => {
    const job = await requestExport(deps, callerOf(req, res), req.body);
    res.status(202).location(`/api/audit/exports/${job.id}`).json(job);
  }));

  router.get('/api/audit/exports', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await listExports(deps, callerOf(req, res), pageOf(req.query)));
  }));

  router.get('/api/audit/exports/:exportId', requireSignIn, wrap(async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await exportById(deps, callerOf(req, res), String(req.params.exportId)));
  }));

  router.get('/api/audit/exports/:exportId/download', requireSignIn, wrap(async (req, res) => {
    const download = await openExportDownload(deps, callerOf(req, res), String(req.params.exportId));
    res.attachment(download.name);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(download.bytes));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    try {
      await pipeline(fs.createReadStream(download.file), res);
    } catch (err) {
      req.log.error({ err }, 'audit export download failed');
      res.destroy();
    } finally {
      await download.done();
    }
  }));

  router.delete('/api/audit/exports/:exportId', requireSignIn, wrap(async (req, res) => {
    await deleteExport(deps, callerOf(req, res), String(req.params.exportId));
    res.status(204).end();
  }));
  return router;
}
