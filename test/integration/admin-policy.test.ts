// The administrators' view of the policy over HTTP with real sessions: the active set with its
// test results, explain with the deciding rule's file and line, and every space's audience —
// for ines (admin) — and a refusal with the policy's reason for bernd. A broken policy folder
// is reported with file and line while the old set stays active and keeps deciding.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { PolicyOverview } from '../../src/admin/policy-overview.js';
import type { Explanation } from '../../src/admin/explain-request.js';
import type { SpaceOverview } from '../../src/admin/space-overview.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { projectRoot } from '../support/processes.js';

interface Problem {
  status: number;
  detail: string;
}

/** The line (1-based) of the first line of a file that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

describe('admin view of the policy (HTTP)', function () {
  let t: TestServer;
  let dir: string;
  let ines: Person;
  let bernd: Person;
  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-admin-policy-'));
    fs.cpSync(path.join(projectRoot, 'policies'), dir, { recursive: true });
    t = await startFlurfunk({ POLICY_DIR: dir, FLURFUNK_RETENTION_INTERVAL: '0' });
    [ines, bernd] = [await person(t, 'ines'), await person(t, 'bernd')];
  });
  after(async function () {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows ines the active set: version, files, no rejected set, the tests all passing; bernd gets 403 with the reason', async function () {
    const { status, body } = await call<PolicyOverview>(t, ines, 'GET', '/api/admin/policy');
    expect(status).to.equal(200);
    expect(body.version).to.equal(t.world.runtime.policy!.version);
    expect(body.activatedAt).to.equal(t.world.runtime.policy!.since.toISOString());
    expect(body.files).to.include.members(['directory.yaml', 'rules.yaml', 'spaces.yaml', 'usage-guideline.md']);
    expect(body.files).to.not.include('README.md');
    expect(body.lastRejected).to.equal(null);
    expect(body.tests.source).to.equal('activation');
    expect(body.tests.failed).to.equal(0);
    expect(body.tests.passed).to.equal(body.tests.cases.length).and.be.greaterThan(10);
    const audit = body.tests.cases.find((c) => c.name === 'admins do not read the audit trail')!;
    expect(audit).to.deep.include({ file: 'tests/default.yaml', expected: 'deny', actual: 'deny', ok: true, reason: 'Only data-protection officers read the audit trail' });
    expect(audit.rule).to.deep.equal({ summary: 'deny read, export AuditLog for role admin', file: 'rules.yaml', line: lineOf(path.join(dir, 'rules.yaml'), 'deny: [read, export]') - 1 });
    expect(body.vocabulary.subjects.find((s) => s.name === 'Post')!.actions).to.include('create');
    expect(body.vocabulary.spaces.map((s) => s.id)).to.include.members(['all-company', 'project-apollo', 'sales', 'hr']);
    expect(body.vocabulary.people.map((p) => p.id)).to.include.members(['ines', 'bernd']);

    const refused = await call<Problem>(t, bernd, 'GET', '/api/admin/policy');
    expect(refused.status).to.equal(403);
    expect(refused.body.detail).to.equal('The policy view is for those the policy names (administrators).');
    expect(JSON.stringify(refused.body)).to.not.include(body.version);
  });

  it('explains allowed and denied cases with the deciding rule, its file and line, and the reason', async function () {
    const allowed = await call<Explanation>(t, ines, 'POST', '/api/admin/policy/explain', { person: 'bernd', action: 'create', subject: 'Post', fields: { spaceId: 'sales', classification: 'internal' } });
    expect(allowed.status).to.equal(200);
    expect(allowed.body).to.deep.include({ decision: 'allow', reason: null, action: 'create', subject: 'Post', version: t.world.runtime.policy!.version });
    expect(allowed.body.principal).to.deep.include({ id: 'bernd', known: true, roles: ['employee'] });
    expect(allowed.body.rule).to.deep.equal({ summary: 'space sales: post list', file: 'spaces.yaml', line: lineOf(path.join(dir, 'spaces.yaml'), 'post: { groups: [GG-Vertrieb] }') });

    const denied = await call<Explanation>(t, ines, 'POST', '/api/admin/policy/explain', { person: 'ines', action: 'read', subject: 'AuditLog' });
    expect(denied.body).to.deep.include({ decision: 'deny', reason: 'Only data-protection officers read the audit trail' });
    expect(denied.body.rule).to.deep.include({ file: 'rules.yaml', summary: 'deny read, export AuditLog for role admin' });
    expect(denied.body.text).to.match(/^DENY read AuditLog for ines/);

    // Groups as the identity provider sends them, for someone who never signed in.
    const guarded = await call<Explanation>(t, ines, 'POST', '/api/admin/policy/explain', { groups: ['CN=GG-Vertrieb,OU=Groups,DC=acme,DC=local'], action: 'read', subject: 'Post', fields: { spaceId: 'project-apollo', classification: 'confidential' } });
    expect(guarded.body).to.deep.include({ decision: 'deny', reason: 'only the people on the read list of a confidential space may see its content' });
    expect(guarded.body.principal).to.deep.include({ known: false, groups: ['GG-Vertrieb'] });
    expect(guarded.body.rule).to.deep.include({ file: null, line: null });
    const nothing = await call<Explanation>(t, ines, 'POST', '/api/admin/policy/explain', { roles: ['employee'], action: 'run', subject: 'Retention' });
    expect(nothing.body).to.deep.include({ decision: 'deny', rule: null, reason: 'no rule allows it' });
    const asDpo = await call<Explanation>(t, ines, 'POST', '/api/admin/policy/explain', { roles: ['dpo'], action: 'run', subject: 'Retention' });
    expect(asDpo.body.decision).to.equal('allow');
  });

  it('says what is wrong with a question, and refuses bernd before looking at it', async function () {
    for (const [question, message] of [
      [{ person: 'nobody-here', action: 'read', subject: 'Post' }, /nobody with the id "nobody-here" has signed in/],
      [{ person: 'bernd', action: 'read', subject: 'Posting' }, /"subject" must be one of/],
      [{ person: 'bernd', action: 'fly', subject: 'Post' }, /Post has the actions read, create/],
      [{ person: 'bernd', action: 'read', subject: 'Post', fields: { colour: 'red' } }, /Post has no field "colour"/],
      [{ person: 'bernd', action: 'read', subject: 'Post', fields: { mentions: 'ada' } }, /field "mentions" must be a list/],
      [{ roles: ['wizard'], action: 'read', subject: 'Post' }, /no role wizard/],
      [{ action: 'read', subject: 'Post' }, /name a "person", or give "groups" or "roles"/],
    ] as const) {
      const answer = await call<Problem>(t, ines, 'POST', '/api/admin/policy/explain', question);
      expect(answer.status, JSON.stringify(question)).to.equal(400);
      expect(answer.body.detail).to.match(message);
    }
    const refused = await call<Problem>(t, bernd, 'POST', '/api/admin/policy/explain', { nonsense: true });
    expect(refused.status).to.equal(403);
    expect(refused.body.detail).to.equal('The policy view is for those the policy names (administrators).');
  });

  it('lists every space with its lists and audience, also the secret one ines cannot read; bernd gets 403', async function () {
    const { status, body } = await call<{ version: string; knownPeople: number; items: SpaceOverview[] }>(t, ines, 'GET', '/api/admin/spaces');
    expect(status).to.equal(200);
    expect(body.knownPeople).to.equal(2);
    expect(body.items.map((s) => s.id)).to.deep.equal(['all-company', 'project-apollo', 'sales', 'hr']);
    const sales = body.items.find((s) => s.id === 'sales')!;
    expect(sales).to.deep.include({ classification: 'internal', file: 'spaces.yaml' });
    expect(sales.read).to.deep.include({ roles: [], groups: ['GG-Vertrieb', 'GG-Geschaeftsleitung'] });
    expect(sales.audience).to.deep.equal({ count: 1, notReaching: 1, readers: [{ id: 'bernd', name: sales.audience.readers[0]!.name, via: 'space sales: read list' }] });
    const hr = body.items.find((s) => s.id === 'hr')!;
    expect(hr).to.deep.include({ classification: 'secret' });
    expect(hr.audience).to.deep.equal({ count: 0, notReaching: 2, readers: [] });
    expect(body.items.find((s) => s.id === 'all-company')!.audience.count).to.equal(2);
    // The read model of spaces for ines still hides hr: this view is configuration, not content.
    const readable = await call<{ items: { id: string }[] }>(t, ines, 'GET', '/api/spaces');
    expect(readable.body.items.map((s) => s.id)).to.not.include('hr');

    const refused = await call<Problem>(t, bernd, 'GET', '/api/admin/spaces');
    expect(refused.status).to.equal(403);
    expect(refused.body.detail).to.equal('The policy view is for those the policy names (administrators).');
  });

  it('reports a broken folder with file and line while the old set stays active and decides', async function () {
    const before = (await call<PolicyOverview>(t, ines, 'GET', '/api/admin/policy')).body;
    const spaces = path.join(dir, 'spaces.yaml');
    const line = lineOf(spaces, '    post: { roles: [employee] }');
    fs.writeFileSync(spaces, fs.readFileSync(spaces, 'utf8').replace('    post: { roles: [employee] }', '    post: { roles: [employe] }'));
    await t.world.runtime.policy!.reload();

    const after = (await call<PolicyOverview>(t, ines, 'GET', '/api/admin/policy')).body;
    expect(after.version).to.equal(before.version);
    expect(after.activatedAt).to.equal(before.activatedAt);
    expect(after.lastRejected).to.not.equal(null);
    expect(after.lastRejected!.version).to.equal(null);
    expect(after.lastRejected!.problems).to.have.length(1);
    expect(after.lastRejected!.problems[0]).to.deep.include({ file: 'spaces.yaml', line, column: 11 });
    expect(after.lastRejected!.problems[0]!.message).to.match(/^space all-company post: unknown role "employe" \(did you mean "employee"\?\)/);
    expect(after.tests.failed).to.equal(0);

    // The old set still decides: bernd, an employee, posts in the company space.
    await acceptGuideline(t, bernd);
    expect((await call(t, bernd, 'POST', '/api/spaces/all-company/posts', { text: 'Läuft noch' })).status).to.equal(201);

    // A restart with the folder still broken: the same set, active since its activation, not since the restart.
    await t.restart();
    const restarted = (await call<PolicyOverview>(t, ines, 'GET', '/api/admin/policy')).body;
    expect(restarted.version).to.equal(before.version);
    expect(restarted.activatedAt).to.equal(before.activatedAt);
    expect(restarted.lastRejected!.problems[0]).to.deep.include({ file: 'spaces.yaml', line });
    expect(restarted.tests.source).to.equal('folder');
  });
});
