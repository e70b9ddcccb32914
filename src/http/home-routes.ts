// GET /: a plain page until the web UI arrives: who is signed in (with roles and groups under
// the active policy) and a sign-out form, or a link to sign in. No script, so it lives under
// the strict Content-Security-Policy as it is.
import express from 'express';
import { escapeHtml } from '../identity/dev-pages.js';
import { authOf } from './authenticate.js';

function page(body: string): string {
  return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Flurfunk</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}button{padding:.5rem 1rem}</style></head>
<body><h1>Flurfunk</h1>${body}</body></html>`;
}

export function homeRoutes(): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    const auth = authOf(res);
    res.setHeader('Cache-Control', 'no-store');
    if (!auth) {
      res.type('html').send(page('<p>Nicht angemeldet.</p><p><a href="/auth/login">Anmelden</a></p>'));
      return;
    }
    const { principal } = auth;
    const signOut =
      auth.via === 'session'
        ? `<form method="post" action="/auth/logout"><input type="hidden" name="csrfToken" value="${escapeHtml(auth.session.csrfToken)}"><button type="submit">Abmelden</button></form>`
        : '';
    res.type('html').send(
      page(`<p>Angemeldet als <strong>${escapeHtml(auth.name ?? principal.id)}</strong> (${escapeHtml(principal.id)}).</p>
<p>Rollen: ${escapeHtml(principal.roles.join(', ') || '–')}<br>Verzeichnisgruppen: ${escapeHtml(principal.groups.join(', ') || '–')}</p>
<p>Die Oberfläche folgt; bis dahin: <a href="/api/me">/api/me</a>, <a href="/api/openapi.json">/api/openapi.json</a>.</p>${signOut}`),
    );
  });
  return router;
}
