// Privileged reads through HTTP with real sessions: a data-protection officer inspects content
// they cannot read by stating a reason; the read is recorded (reason sealed) and its notice shows
// to the space's readers, the authors and a conversation's participants — never to outsiders,
// never with the reason or the reader's name. Ordinary readers get the content with nothing
// recorded; everyone else, bad reasons and secret spaces (a deny rule) record nothing. The
// policy is the shipped one plus a grant of inspect on DirectMessage (the shipped set grants none).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { rebuildReadModels } from '../../src/events/projector.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { projections } from '../../src/read-models.js';
import { acceptGuideline, call as apiCall, person, type Answer, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCliInProcess } from '../support/processes.js';

interface Notice {
  id: string;
  subjectType: string;
  postId: string | null;
  spaceId: string | null;
  classification: string | null;
  conversationId: string | null;
  byRoles: string[];
  readAt: string;
}

interface Body {
  id: string;
  type: string;
  detail: string;
  text: string;
  privileged: boolean;
  accessId: string | null;
  post: { id: string; text: string; privilegedReads: { count: number; lastAt: string | null } };
  comments: { text: string; author: { id: string } }[];
  messages: { text: string; author: { id: string } }[];
  privilegedReads: { count: number; lastAt: string | null };
  items: Notice[];
  next: string | null;
}

const REASON = 'Hinweis auf Datenabfluss, Vorgang DS-2026-17 (Prüfauftrag der Geschäftsleitung)';

/** The shipped policy, plus inspect on private messages for data-protection officers. */
function policyWithMessageInspection(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-privileged-policy-'));
  fs.cpSync('policies', dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'rules.yaml'), '\n  - role: dpo\n    allow: inspect\n    subject: DirectMessage\n');
  // The shipped tests pin that nobody inspects private messages: this policy says otherwise.
  const tests = path.join(dir, 'tests', 'default.yaml');
  const shipped = fs.readFileSync(tests, 'utf8');
  const pinned = shipped.indexOf('  - name: nobody inspects private messages');
  expect(pinned).to.be.greaterThan(0);
  fs.writeFileSync(tests, shipped.slice(0, pinned));
  return dir;
}

describe('privileged reads', function () {
  let t: TestServer;
  let ada: Person; // GG-Apollo: reads and posts in the confidential Apollo space
  let bernd: Person; // GG-Vertrieb: not in Apollo
  let clara: Person; // management: reads Apollo and sales
  let dieter: Person; // GG-Datenschutz: the data-protection officer
  let ines: Person; // GG-IT-Admins
  let paula: Person; // GG-Personal: the secret HR space
  let apolloPost: string;
  let conversation: string;
  const call = (who: Person, method: string, url: string, body?: unknown): Promise<Answer<Body>> => apiCall<Body>(t, who, method, url, body);
  const privilegedEvents = async (): Promise<RecordedEvent[]> => (await t.world.runtime.store.readAll(0, 100_000)).filter((e) => e.type === 'PrivilegedContentRead');

  before(async function () {
    this.timeout(120_000);
    t = await startFlurfunk({ POLICY_DIR: policyWithMessageInspection() });
    [ada, bernd, clara, dieter, ines, paula] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'dieter'), await person(t, 'ines'), await person(t, 'paula')];
    await acceptGuideline(t, ada, bernd, clara, paula);
    const created = await call(ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Zielpreis für Angebot Apollo: 4,2 Mio' });
    expect(created.status).to.equal(201);
    apolloPost = created.body.id;
    expect((await call(ada, 'POST', `/api/posts/${apolloPost}/comments`, { text: 'Freigabe durch GL steht aus' })).status).to.equal(201);
    const started = await call(bernd, 'POST', '/api/conversations', { participants: ['clara'] });
    conversation = started.body.id;
    expect((await call(bernd, 'POST', `/api/conversations/${conversation}/messages`, { text: 'Kundenliste kommt per Mail' })).status).to.equal(201);
  });
  let stopped = false;
  after(async function () {
    if (!stopped) await t?.stop();
  });

  it('lets a data-protection officer read a confidential post they cannot read, with a reason, and records it', async function () {
    expect((await call(dieter, 'GET', `/api/posts/${apolloPost}`)).status, 'no ordinary read').to.equal(404);
    const inspected = await call(dieter, 'POST', `/api/posts/${apolloPost}/inspect`, { reason: `  ${REASON}\n` });
    expect(inspected.status).to.equal(200);
    expect(inspected.body.privileged).to.equal(true);
    expect(inspected.body.post.text).to.equal('Zielpreis für Angebot Apollo: 4,2 Mio');
    expect(inspected.body.comments.map((c) => [c.author.id, c.text])).to.deep.equal([['ada', 'Freigabe durch GL steht aus']]);
    expect(inspected.body.post.privilegedReads.count).to.equal(1);

    const [event, ...more] = await privilegedEvents();
    expect(more).to.deep.equal([]);
    expect(event!.streamId).to.equal(`privileged-read:${inspected.body.accessId}`);
    expect(event!.actor).to.equal('dieter');
    expect(event!.policyVersion).to.equal(t.world.runtime.policy!.version);
    expect(event!.correlationId).to.be.a('string');
    const { rule, ...facts } = event!.data as { rule: { file: string; line: number; summary: string } };
    expect(facts).to.deep.equal({
      accessId: inspected.body.accessId,
      subjectType: 'Post',
      postId: apolloPost,
      spaceId: 'project-apollo',
      classification: 'confidential',
      authorId: 'ada',
      commentCount: 1,
      affected: ['ada'],
      via: ['dpo'],
    });
    // The shipped rule's line: this policy only appends to rules.yaml.
    const shippedLine = fs.readFileSync('policies/rules.yaml', 'utf8').split('\n').findIndex((l, i, all) => l === '  - role: dpo' && all[i + 1] === '    allow: inspect') + 1;
    expect(rule).to.deep.equal({ file: 'rules.yaml', line: shippedLine, summary: 'allow inspect Post for role dpo' });
    // The reason is sealed (trimmed), not in the clear data.
    expect(JSON.stringify(event!.data)).to.not.include('DS-2026-17');
    expect(await t.world.runtime.store.personal(event!)).to.deep.equal({ state: 'present', value: { reason: REASON } });
  });

  it('shows the notice to the space’s readers and the author — when and by which role, not who or why — and to nobody else', async function () {
    for (const reader of [ada, clara]) {
      const notices = await call(reader, 'GET', '/api/spaces/project-apollo/privileged-access');
      expect(notices.status).to.equal(200);
      expect(notices.body.items).to.have.length(1);
      expect(notices.body.items[0]).to.deep.include({ subjectType: 'Post', postId: apolloPost, spaceId: 'project-apollo', classification: 'confidential', conversationId: null, byRoles: ['dpo'] });
      const text = JSON.stringify(notices.body);
      expect(text).to.not.include('DS-2026-17');
      expect(text).to.not.include('dieter');
    }
    const post = await call(ada, 'GET', `/api/posts/${apolloPost}`);
    expect(post.body.privilegedReads.count).to.equal(1);
    expect(post.body.privilegedReads.lastAt).to.equal((await call(ada, 'GET', '/api/spaces/project-apollo/privileged-access')).body.items[0]!.readAt);
    const mine = await call(ada, 'GET', '/api/me/privileged-access');
    expect(mine.body.items.map((n) => n.postId)).to.deep.equal([apolloPost]);

    // Outside the space: 404 as for a space that does not exist, the officer included.
    for (const outsider of [bernd, dieter, ines]) {
      const refused = await call(outsider, 'GET', '/api/spaces/project-apollo/privileged-access');
      expect(refused.status).to.equal(404);
      expect(refused.body.type).to.equal('urn:flurfunk:problem:not_found');
    }
    expect((await call(ada, 'GET', '/api/spaces/no-such-space/privileged-access')).status).to.equal(404);
    expect((await call(bernd, 'GET', '/api/me/privileged-access')).body.items).to.deep.equal([]);
    // The notice has no route that removes it (and the API document names none: asked directly).
    const removal = await ada.browser.request(`${t.base}/api/spaces/project-apollo/privileged-access`, { method: 'DELETE', headers: { 'X-CSRF-Token': ada.csrf } });
    expect(removal.status).to.equal(404);
    expect((await call(ada, 'GET', '/api/spaces/project-apollo/privileged-access')).body.items).to.have.length(1);
  });

  it('puts the privileged read in the audit trail, findable by space, with the reason sealed', async function () {
    const trail = await call(dieter, 'GET', '/api/audit/events?type=PrivilegedContentRead&space=project-apollo');
    expect(trail.status).to.equal(200);
    const items = (trail.body as unknown as { items: { actor: string; hasPersonalContent: boolean; data: unknown }[] }).items;
    expect(items.map((i) => [i.actor, i.hasPersonalContent])).to.deep.equal([['dieter', true]]);
    expect(JSON.stringify(items[0]!.data)).to.not.include('DS-2026-17');
  });

  it('refuses a missing, empty, invisible, too short or too long reason with a 400 problem and records nothing', async function () {
    const before = (await privilegedEvents()).length;
    for (const body of [{}, { reason: 42 }, { reason: '   ' }, { reason: '\u200b\u200e\u2060\u00a0\u200b\u200e\u2060\u00a0\u200b\u200e' }, { reason: 'zu kurz' }, { reason: 'x'.repeat(501) }, { reason: REASON, extra: true }, [REASON]]) {
      const refused = await call(dieter, 'POST', `/api/posts/${apolloPost}/inspect`, body);
      expect(refused.status, JSON.stringify(body)).to.equal(400);
      expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(refused.body.type).to.equal('urn:flurfunk:problem:validation_failed');
    }
    expect((await call(dieter, 'POST', `/api/posts/${apolloPost}/inspect`, 'reason=Hinweis auf Datenabfluss')).status, 'not JSON').to.equal(400);
    expect((await privilegedEvents()).length).to.equal(before);
    expect((await call(ada, 'GET', `/api/posts/${apolloPost}`)).body.privilegedReads.count).to.equal(1);
  });

  it('answers 404 to everyone the policy does not let inspect (employees, admins), and for unknown posts, before looking at the reason; nothing is recorded', async function () {
    const before = (await privilegedEvents()).length;
    for (const who of [bernd, ines]) {
      for (const body of [{ reason: REASON }, {}]) {
        const refused = await call(who, 'POST', `/api/posts/${apolloPost}/inspect`, body);
        expect(refused.status).to.equal(404);
        expect(refused.body.type).to.equal('urn:flurfunk:problem:not_found');
      }
    }
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      expect((await call(dieter, 'POST', `/api/posts/${id}/inspect`, { reason: REASON })).status).to.equal(404);
      expect((await call(dieter, 'POST', `/api/conversations/${id}/inspect`, { reason: REASON })).status).to.equal(404);
    }
    expect((await privilegedEvents()).length).to.equal(before);
  });

  it('gives ordinary readers the content as always and records no privileged read, reason or not', async function () {
    const before = (await privilegedEvents()).length;
    const own = await call(ada, 'POST', `/api/posts/${apolloPost}/inspect`, {});
    expect(own.status).to.equal(200);
    expect(own.body).to.deep.include({ privileged: false, accessId: null });
    expect(own.body.post.text).to.include('Zielpreis');
    expect(own.body.comments).to.have.length(1);
    // The officer reading what every employee reads is no privileged read either.
    const company = await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Sommerfest am Freitag' });
    const open = await call(dieter, 'POST', `/api/posts/${company.body.id}/inspect`, { reason: REASON });
    expect(open.body).to.deep.include({ privileged: false, accessId: null });
    expect((await call(clara, 'GET', `/api/posts/${apolloPost}`)).status, 'an ordinary read').to.equal(200);
    expect((await privilegedEvents()).length).to.equal(before);
    expect((await call(ada, 'GET', '/api/spaces/all-company/privileged-access')).body.items).to.deep.equal([]);
    expect((await call(ada, 'GET', `/api/posts/${company.body.id}`)).body.privilegedReads).to.deep.equal({ count: 0, lastAt: null });
  });

  it('keeps secret spaces closed to inspection where the policy denies it: 404 and nothing recorded', async function () {
    const secret = await call(paula, 'POST', '/api/spaces/hr/posts', { text: 'Abmahnung Herr X' });
    expect(secret.status).to.equal(201);
    const before = (await privilegedEvents()).length;
    const refused = await call(dieter, 'POST', `/api/posts/${secret.body.id}/inspect`, { reason: REASON });
    expect(refused.status).to.equal(404);
    expect((await privilegedEvents()).length).to.equal(before);
    expect((await call(paula, 'GET', '/api/spaces/hr/privileged-access')).body.items).to.deep.equal([]);
    expect((await call(paula, 'GET', '/api/me/privileged-access')).body.items).to.deep.equal([]);
  });

  it('lets a policy open private messages to inspection, with the notice for the participants only', async function () {
    expect((await call(dieter, 'GET', `/api/conversations/${conversation}/messages`)).status, 'no ordinary read').to.equal(404);
    expect((await call(dieter, 'POST', `/api/conversations/${conversation}/inspect`, {})).status).to.equal(400);
    const inspected = await call(dieter, 'POST', `/api/conversations/${conversation}/inspect`, { reason: REASON });
    expect(inspected.status).to.equal(200);
    expect(inspected.body.privileged).to.equal(true);
    expect(inspected.body.messages.map((m) => [m.author.id, m.text])).to.deep.equal([['bernd', 'Kundenliste kommt per Mail']]);
    const event = (await t.world.runtime.store.readStream(`privileged-read:${inspected.body.accessId}`))[0]!;
    expect(event.data).to.deep.include({ subjectType: 'DirectMessage', conversationId: conversation, participants: ['bernd', 'clara'], messageCount: 1, affected: ['bernd', 'clara'], via: ['dpo'] });

    for (const participant of [bernd, clara]) {
      const notices = await call(participant, 'GET', `/api/conversations/${conversation}/privileged-access`);
      expect(notices.body.items.map((n) => [n.subjectType, n.conversationId, n.byRoles])).to.deep.equal([['DirectMessage', conversation, ['dpo']]]);
      expect((await call(participant, 'GET', '/api/me/privileged-access')).body.items.map((n) => n.id)).to.include(inspected.body.accessId);
    }
    for (const outsider of [ada, dieter]) expect((await call(outsider, 'GET', `/api/conversations/${conversation}/privileged-access`)).status).to.equal(404);
    expect((await call(ada, 'GET', '/api/me/privileged-access')).body.items.map((n) => n.id)).to.not.include(inspected.body.accessId);
    // A participant gets the messages as always, recorded as nothing.
    const own = await call(bernd, 'POST', `/api/conversations/${conversation}/inspect`, {});
    expect(own.body).to.deep.include({ privileged: false, accessId: null });
    expect((await call(bernd, 'GET', `/api/conversations/${conversation}/privileged-access`)).body.items).to.have.length(1);
  });

  it('pages the notices newest first', async function () {
    await call(dieter, 'POST', `/api/posts/${apolloPost}/inspect`, { reason: `${REASON}, zweite Prüfung` });
    const first = await call(clara, 'GET', '/api/spaces/project-apollo/privileged-access?limit=1');
    expect(first.body.items).to.have.length(1);
    expect(first.body.next).to.be.a('string');
    const second = await call(clara, 'GET', `/api/spaces/project-apollo/privileged-access?limit=1&cursor=${first.body.next}`);
    expect(second.body.items).to.have.length(1);
    expect(second.body.next).to.equal(null);
    expect(Date.parse(first.body.items[0]!.readAt)).to.be.at.least(Date.parse(second.body.items[0]!.readAt));
    expect((await call(ada, 'GET', `/api/posts/${apolloPost}`)).body.privilegedReads.count).to.equal(2);
  });

  it('rebuilds the notices from the events alone, and shows the reasons in an audit export', async function () {
    this.timeout(60_000);
    const knex = t.world.runtime.db.knex;
    const snapshot = async (k: Knex) => JSON.parse(JSON.stringify(await k('privileged_reads').orderBy('position'))) as unknown[];
    const live = await snapshot(knex);
    expect(live).to.have.length(3);
    await rebuildReadModels(knex, t.world.runtime.store, projections);
    expect(await snapshot(knex)).to.deep.equal(live);

    await t.stop(); // the embedded database admits one process: the CLI's
    stopped = true;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-privileged-export-'));
    const zip = path.join(out, 'audit.zip');
    const result = await runCliInProcess(['audit', 'export', '--as', 'dieter', '--out', zip, '--type', 'PrivilegedContentRead,PostCreated'], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    execFileSync('unzip', ['-q', zip, '-d', out]);
    const lines = fs.readFileSync(path.join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; contentState: string; content: unknown; data: { spaceId?: string } });
    const reads = lines.filter((l) => l.type === 'PrivilegedContentRead');
    expect(reads.map((l) => [l.contentState, l.content])).to.deep.equal([
      ['present', { reason: REASON }],
      ['present', { reason: REASON }],
      ['present', { reason: `${REASON}, zweite Prüfung` }],
    ]);
    // The content the officer inspected is still withheld from the export (confidential posts never leave).
    expect(lines.find((l) => l.type === 'PostCreated' && l.data.spaceId === 'project-apollo')!.contentState).to.equal('withheld');
  });
});
