// Audit exports through the API, as jobs: a DPO requests one, follows it until ready, downloads
// a ZIP that `flurfunk audit verify` accepts, and the file is gone after the download, after its
// time (housekeeping on a clock the test moves) or on request; a job cut off with its process is
// recorded as interrupted. Everyone else gets 403 on every route, and nothing is recorded or
// written for them. Every step is an event on the export's stream.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { sweepExports } from '../../src/audit/export-housekeeping.js';
import { exportsDir } from '../../src/audit/export-jobs.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCliInProcess } from '../support/processes.js';

interface Job {
  id: string;
  state: string;
  events: number | null;
  downloads: number;
  expiresAt: string | null;
  failure: string | null;
  removedBecause: string | null;
  filters: Record<string, unknown>;
}

const HOUR = 3_600_000;

describe('audit exports through the API', function () {
  let t: TestServer;
  // The server's clock is the real one; housekeeping is run at moments the test picks.
  const now = () => new Date();
  let dieter: Person;
  let ada: Person;
  let ines: Person;
  let dir: string;

  const whenDone = async (id: string, wanted: (job: Job) => boolean = (job) => job.state !== 'running'): Promise<Job> => {
    for (let i = 0; i < 200; i++) {
      const answer = await call<Job>(t, dieter, 'GET', `/api/audit/exports/${id}`);
      // 404 only while an event appended by the test itself is not yet in the read model.
      expect(answer.status).to.be.oneOf([200, 404]);
      if (answer.status === 200 && wanted(answer.body)) return answer.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`export ${id} did not finish`);
  };
  const requestExport = async (body: unknown = {}) => {
    const answer = await call<Job>(t, dieter, 'POST', '/api/audit/exports', body);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    expect(answer.headers.get('location')).to.equal(`/api/audit/exports/${answer.body.id}`);
    return whenDone(answer.body.id);
  };
  const download = (who: Person, id: string) => who.browser.request(`${t.base}/api/audit/exports/${id}/download`);
  const streamOf = async (id: string) => (await t.world.runtime.store.readStream(`export:${id}`)).map((e) => [e.type, e.actor, e.data.reason ?? null]);

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk();
    [dieter, ada, ines] = [await person(t, 'dieter'), await person(t, 'ada'), await person(t, 'ines')];
    await acceptGuideline(t, ada);
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Betriebsausflug im Mai' })).status).to.equal(201);
    dir = exportsDir(t.world.config.dataDir);
  });
  after(async function () {
    await t.stop();
  });

  it('answers 403 with the reason on every export route for an employee and for an admin, and records and writes nothing', async function () {
    const id = crypto.randomUUID();
    for (const who of [ada, ines]) {
      for (const [method, url, body] of [
        ['POST', '/api/audit/exports', {}],
        ['GET', '/api/audit/exports', undefined],
        ['GET', `/api/audit/exports/${id}`, undefined],
        ['DELETE', `/api/audit/exports/${id}`, undefined],
      ] as const) {
        const answer = await call<{ detail: string }>(t, who, method, url, body);
        expect(answer.status, `${who.id} ${method} ${url}`).to.equal(403);
        expect(answer.body.detail).to.match(/data-protection officers/);
      }
      expect((await download(who, id)).status).to.equal(403);
    }
    expect((await call<{ items: Job[] }>(t, dieter, 'GET', '/api/audit/exports')).body.items).to.deep.equal([]);
    expect(fs.existsSync(dir)).to.equal(false);
  });

  it('refuses malformed requests with a clear 400 and starts nothing', async function () {
    for (const [body, detail] of [
      [{ filters: { from: 'gestern' } }, /"from" must be an ISO 8601 date/],
      [{ filters: { colour: 'red' } }, /unknown filter "colour"/],
      [{ kind: 'everything' }, /"kind" must be "audit-trail"/],
      [{ filter: {} }, /unknown field "filter"/],
      [{ kind: 'subject-access' }, /"person" must be the id of a person/],
      [{ kind: 'subject-access', person: 'nobody' }, /no person known to Flurfunk with id "nobody"/],
      [{ person: 'ada' }, /"person" belongs to a subject-access export/],
    ] as const) {
      const answer = await call<{ detail: string }>(t, dieter, 'POST', '/api/audit/exports', body);
      expect(answer.status).to.equal(400);
      expect(answer.body.detail).to.match(detail);
    }
    expect((await call<{ items: Job[] }>(t, dieter, 'GET', '/api/audit/exports')).body.items).to.deep.equal([]);
  });

  it('runs a requested export to a verifiable ZIP, owner-only, removed after its one download', async function () {
    this.timeout(60_000);
    const job = await requestExport({ filters: { type: 'PostCreated,UserSignedIn' } });
    expect(job).to.deep.include({ state: 'ready', downloads: 0, failure: null });
    expect(job.filters).to.deep.equal({ types: ['PostCreated', 'UserSignedIn'] });
    expect(Date.parse(job.expiresAt!) - now().getTime()).to.be.within(23 * HOUR, 24 * HOUR);
    const file = path.join(dir, `${job.id}.zip`);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(dir).mode & 0o777).to.equal(0o700);

    const res = await download(dieter, job.id);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/zip');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="?flurfunk-audit-[0-9a-f]{8}\.zip"?$/);
    const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-job-')), 'export.zip');
    fs.writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const verified = await runCliInProcess(['audit', 'verify', '--json', zip], {});
    expect(verified.code, verified.stderr).to.equal(0);
    expect((JSON.parse(verified.stdout) as { events: number }).events).to.equal(job.events).and.to.be.greaterThan(0);

    const after = await whenDone(job.id, (j) => j.state === 'removed');
    expect(after).to.deep.include({ downloads: 1, removedBecause: 'downloaded' });
    expect(fs.existsSync(file)).to.equal(false);
    const again = await download(dieter, job.id);
    expect(again.status).to.equal(410);
    expect(await streamOf(job.id)).to.deep.equal([
      ['AuditExportRequested', 'dieter', null],
      ['AuditExported', 'dieter', null],
      ['AuditExportDownloaded', 'dieter', null],
      ['AuditExportRemoved', 'dieter', 'downloaded'],
    ]);
  });

  it('makes a subject-access export (GDPR Art. 15) the same way, for one person', async function () {
    this.timeout(60_000);
    const job = await requestExport({ kind: 'subject-access', person: 'ada' });
    expect(job).to.deep.include({ state: 'ready', kind: 'subject-access', person: 'ada' });
    const res = await download(dieter, job.id);
    expect(res.status).to.equal(200);
    const zip = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-job-')), 'subject.zip');
    fs.writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const verified = await runCliInProcess(['audit', 'verify', zip], {});
    expect(verified.code, verified.stderr).to.equal(0);
    expect((await streamOf(job.id)).map(([type]) => type)).to.deep.equal(['AuditExportRequested', 'SubjectAccessExported', 'AuditExportDownloaded', 'AuditExportRemoved']);
    // Only those the policy lets answer such requests: an employee asking about themselves is refused.
    const own = await call<{ detail: string }>(t, ada, 'POST', '/api/audit/exports', { kind: 'subject-access', person: 'ada' });
    expect(own.status).to.equal(403);
  });

  it('puts the request and the download in the audit trail the DPO reads', async function () {
    const trail = await call<{ items: { type: string; actor: string }[] }>(t, dieter, 'GET', '/api/audit/events?type=AuditExportRequested,AuditExportDownloaded,AuditLogRead');
    const seen = trail.body.items.map((e) => `${e.type} ${e.actor}`);
    expect(seen).to.include.members(['AuditExportRequested dieter', 'AuditExportDownloaded dieter']);
  });

  it('removes a file nobody fetched when its time is up, and one its DPO deletes', async function () {
    this.timeout(60_000);
    const unfetched = await requestExport();
    const deleted = await requestExport({ filters: { actor: 'ada' } });
    expect((await call(t, dieter, 'DELETE', `/api/audit/exports/${deleted.id}`)).status).to.equal(204);
    expect(await whenDone(deleted.id, (j) => j.state === 'removed')).to.deep.include({ removedBecause: 'deleted', downloads: 0 });
    expect(fs.existsSync(path.join(dir, `${deleted.id}.zip`))).to.equal(false);
    expect((await download(dieter, deleted.id)).status).to.equal(410);

    const runtime = t.world.runtime;
    expect(await sweepExports(runtime.db.knex, runtime.store, dir, new Date(now().getTime() + 23 * HOUR))).to.deep.include({ expired: 0 });
    expect(fs.existsSync(path.join(dir, `${unfetched.id}.zip`))).to.equal(true);
    expect(await sweepExports(runtime.db.knex, runtime.store, dir, new Date(now().getTime() + 25 * HOUR))).to.deep.include({ expired: 1 });
    expect(await whenDone(unfetched.id, (j) => j.state === 'removed')).to.deep.include({ removedBecause: 'expired' });
    expect(fs.existsSync(path.join(dir, `${unfetched.id}.zip`))).to.equal(false);
    expect((await streamOf(unfetched.id)).at(-1)).to.deep.equal(['AuditExportRemoved', 'system:housekeeping', 'expired']);
  });

  it('records a job whose process died as interrupted, and clears what it left behind', async function () {
    const runtime = t.world.runtime;
    const id = crypto.randomUUID();
    // What a process leaves when it dies mid-export: the request on record and a work folder.
    await runtime.store.append(`export:${id}`, [{ type: 'AuditExportRequested', data: { exportId: id, kind: 'audit-trail', filters: {}, via: 'api' } }], { expectedVersion: 0, actor: 'dieter' });
    const leftover = path.join(dir, '.flurfunk-export-crashed');
    fs.mkdirSync(leftover);
    fs.writeFileSync(path.join(leftover, 'events.jsonl'), '{}\n');
    const old = new Date(Date.now() - 2 * HOUR);
    fs.utimesSync(leftover, old, old);
    await whenDone(id, (j) => j.state === 'running');
    expect((await call(t, dieter, 'DELETE', `/api/audit/exports/${id}`)).status, 'a running export cannot be deleted').to.equal(409);
    expect((await download(dieter, id)).status, 'nor downloaded').to.equal(409);

    const sweep = await sweepExports(runtime.db.knex, runtime.store, dir, new Date(now().getTime() + 2 * HOUR));
    expect(sweep).to.deep.include({ interrupted: 1, strayFiles: 1 });
    expect(await whenDone(id)).to.deep.include({ state: 'failed', failure: 'interrupted' });
    expect(fs.existsSync(leftover)).to.equal(false);
  });

  it('lists the jobs newest first, in pages', async function () {
    const first = await call<{ items: Job[]; next: string | null }>(t, dieter, 'GET', '/api/audit/exports?limit=2');
    expect(first.body.items).to.have.length(2);
    expect(first.body.next).to.be.a('string');
    const rest = await call<{ items: Job[]; next: string | null }>(t, dieter, 'GET', `/api/audit/exports?limit=10&cursor=${first.body.next}`);
    expect(rest.body.items).to.have.length(3);
    expect(rest.body.next).to.equal(null);
    expect(new Set([...first.body.items, ...rest.body.items].map((j) => j.state))).to.deep.equal(new Set(['failed', 'removed']));
  });
});
