// The HTTP surface as documented in /api/openapi.json: every documented operation answers with
// a documented status and content type; errors are problem+json with the request id.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import { createApp } from '../../src/http/app.js';
import { Projector } from '../../src/events/projector.js';
import { LiveFeed } from '../../src/posts/live-feed.js';
import { startIdentity } from '../../src/identity/identity.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { createWorld, type World } from '../support/world.js';

interface RouterLike {
  stack: { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown } }[];
}

/** "METHOD /path/{param}" for every route of an express router, nested routers included. */
function routesOf(router: RouterLike): string[] {
  return router.stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${String(layer.route!.path).replace(/:(\w+)/g, '{$1}')}`);
    return layer.handle?.stack ? routesOf(layer.handle as RouterLike) : [];
  });
}

describe('HTTP server', function () {
  let world: World;
  let server: RunningServer;
  before(async function () {
    world = await createWorld({ PORT: '0' });
    server = await startServer(await world.start({ policy: { watch: false } }));
  });
  after(async function () {
    await server.shutdown('test finished');
  });

  for (const [path, operations] of Object.entries(openApiDocument.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, { operationId: string; responses: unknown }>)) {
      it(`${method.toUpperCase()} ${path} answers as documented (${operation.operationId})`, async function () {
        // Unauthenticated, no parameters: each must still answer with a documented status.
        const res = await fetch(`${server.url}${path}`, { method: method.toUpperCase(), redirect: 'manual' });
        const documented = operation.responses as Record<string, { content?: Record<string, unknown> }>;
        expect(Object.keys(documented)).to.include(String(res.status));
        const types = Object.keys(documented[String(res.status)]!.content ?? {});
        if (res.status >= 300 && res.status < 400) expect(res.headers.get('location')).to.be.a('string');
        else expect(types.some((t) => res.headers.get('content-type')?.startsWith(t))).to.equal(true);
        expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      });
    }
  }

  it('serves an OpenAPI document that a standard validator accepts', async function () {
    // swagger-parser checks it against the official OpenAPI 3.1 schema and resolves every $ref.
    const served = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as object;
    const api = await SwaggerParser.validate(structuredClone(served) as never);
    expect((api as { openapi?: string }).openapi).to.equal('3.1.0');
    expect(served).to.deep.equal(JSON.parse(JSON.stringify(openApiDocument)));
    // And it rejects a broken one, so the check above can fail.
    const broken = { ...structuredClone(served), paths: { '/x': { get: { responses: { '200': { $ref: '#/components/responses/Missing' } } } } } };
    let error: unknown;
    await SwaggerParser.validate(broken as never).catch((err: unknown) => (error = err));
    expect(String(error)).to.match(/Missing/);
  });

  it('documents every route the server has in the OpenAPI document (and nothing it lacks)', async function () {
    const identity = await startIdentity(world.runtime);
    const projector = await Projector.start(world.runtime.db.knex, world.runtime.store, [], world.runtime.logger);
    const feed = await LiveFeed.start(world.runtime.store);
    try {
      const app = createApp(world.runtime, { draining: false }, { identity, projector, feed }) as unknown as { router: RouterLike };
      // Not API: the web UI's pages and icon (HTML for people) and the development provider's sign-in pages.
      const served = routesOf(app.router).filter((r) => !['GET /.*/', 'GET /favicon.ico'].includes(r) && !r.includes(' /interaction/'));
      const documented = Object.entries(openApiDocument.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      expect(served.sort()).to.deep.equal(documented.sort());
    } finally {
      await identity.close();
      await feed.stop();
      await projector.stop();
    }
  });

  it('reports readiness with the database kind and chain head', async function () {
    const appended = await world.runtime.store.append('audit-reads', [{ type: 'AuditLogRead', data: { limit: 1, returned: 0 } }], { expectedVersion: 'any', actor: 'u' });
    const head = appended.events[0]!.position;
    // The read models follow the append within moments.
    let readiness: Record<string, unknown> = {};
    for (let i = 0; i < 50 && (readiness.readModels as { behind?: number } | undefined)?.behind !== 0; i++) {
      readiness = (await (await fetch(`${server.url}/readyz`)).json()) as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The policy's activation is the first event; the append above comes after it.
    expect(readiness).to.deep.equal({ status: 'ready', database: world.runtime.db.kind, head, readModels: { position: head, behind: 0 }, policyVersion: world.runtime.policy!.version });
  });

  it('answers unknown paths with a 404 problem carrying the request id it was given', async function () {
    const res = await fetch(`${server.url}/api/nothing-here`, { headers: { 'X-Request-Id': 'trace-abc.123' } });
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.headers.get('x-request-id')).to.equal('trace-abc.123');
    expect(await res.json()).to.deep.equal({ type: 'about:blank', title: 'Not found', status: 404, detail: 'No such resource.', instance: '/api/nothing-here', requestId: 'trace-abc.123' });
  });

  it('replaces a request id that could inject into logs', async function () {
    const res = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('answers unreadable JSON with a 400 problem that does not echo the body', async function () {
    const res = await fetch(`${server.url}/api/openapi.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"secret": "hunter2"' });
    expect(res.status).to.equal(400);
    const body = await res.text();
    expect(body).to.not.include('hunter2');
    expect(JSON.parse(body)).to.include({ status: 400, title: 'Bad request' });
  });

  it('sends secure headers with a strict Content-Security-Policy', async function () {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.headers.get('content-security-policy')).to.include("script-src 'self'").and.include("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it('reports not ready (503 problem) while draining, so load balancers stop sending work', async function () {
    const identity = await startIdentity(world.runtime);
    const projector = await Projector.start(world.runtime.db.knex, world.runtime.store, [], world.runtime.logger);
    const feed = await LiveFeed.start(world.runtime.store);
    const app = createApp(world.runtime, { draining: true }, { identity, projector, feed });
    const listener = http.createServer(app).listen(0, '127.0.0.1');
    await once(listener, 'listening');
    try {
      const res = await fetch(`http://127.0.0.1:${(listener.address() as AddressInfo).port}/readyz`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.include({ type: 'urn:flurfunk:problem:draining', detail: 'Shutting down.' });
    } finally {
      listener.close();
      await identity.close();
      await feed.stop();
      await projector.stop();
    }
  });

  it('stops accepting connections once shut down', async function () {
    const other = await createWorld({ PORT: '0' });
    const running = await startServer(await other.start({ policy: { watch: false } }));
    await running.shutdown('test');
    const err = await fetch(`${running.url}/readyz`).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
  });
});
