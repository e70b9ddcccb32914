// Serves the browser UI built by Vite (dist/web): fingerprinted assets cached for a year, and
// for every page address the UI knows (anything outside /api, /auth and the provider) the
// one index.html, never cached, so a new deployment is picked up at the next navigation.
// Without a build, the pages say how to make one instead of failing obscurely.
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { packageRoot } from '../version.js';

export const WEB_DIR = path.join(packageRoot, 'dist', 'web');
const RESERVED = /^\/(api|auth|oidc|healthz|readyz)(\/|$)/;
/** Files the build has; any other address is a page (a person's id may contain a dot). */
const FILE = /\.(js|css|map|png|svg|ico|webmanifest|json|txt)$/;

const NOT_BUILT = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Flurfunk</title></head>
<body><h1>Flurfunk</h1><p>The web UI has not been built. Run <code>npm run build</code> (npm start does it) and reload.</p></body></html>`;

export function webUiRoutes(dir = WEB_DIR): express.Router {
  const router = express.Router();
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  // index.html is only ever the answer below (no-store), never a file of its own.
  router.use(express.static(dir, { index: false, maxAge: '1h', setHeaders: (res, file) => path.basename(file) === 'index.html' && res.setHeader('Cache-Control', 'no-store') }));
  // Browsers ask for /favicon.ico on pages without an icon link (the provider's, say).
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/icons/icon-192.png'));
  router.get(/.*/, (req, res, next) => {
    if (RESERVED.test(req.path) || FILE.test(req.path)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    const index = path.join(dir, 'index.html');
    if (!fs.existsSync(index)) {
      res.status(503).type('html').send(NOT_BUILT);
      return;
    }
    res.sendFile(index);
  });
  return router;
}
