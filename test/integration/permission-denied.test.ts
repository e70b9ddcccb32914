// Refusals by the policy are on record (PermissionDenied on the stream `denials`): who tried
// what, on which kind of thing, and which rule refused; "not found" for hidden things is not
// recorded; and one person repeating a refusal is recorded once a minute, with a count.
import { expect } from 'chai';
import { DENIALS_STREAM } from '../../src/audit/denial-audit.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

describe('permission denials in the audit trail', function () {
  let t: TestServer;
  let offsetMs = 0;
  let ada: Person;
  let bernd: Person;
  let clara: Person; // reads project-apollo (management) but may not post there
  let dieter: Person; // data-protection officer
  let ines: Person; // IT admin: the rules deny her the audit trail explicitly
  let secretPost: string;

  const denials = async (): Promise<RecordedEvent[]> => t.world.runtime.store.readStream(DENIALS_STREAM);

  before(async function () {
    t = await startFlurfunk({}, { clock: () => new Date(Date.now() + offsetMs) });
    [ada, bernd, clara, dieter, ines] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'dieter'), await person(t, 'ines')];
    await acceptGuideline(t, ada, clara);
    secretPost = (await call<{ id: string }>(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Vertraulich' })).body.id;
  });
  after(async function () {
    await t.stop();
  });

  it('records a 403 with action, subject, space and (no) rule; the allowed side records nothing', async function () {
    expect((await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Darf ich' })).status).to.equal(201);
    expect(await denials()).to.deep.equal([]);
    const refused = await call<{ detail: string }>(t, clara, 'POST', '/api/spaces/project-apollo/posts', { text: 'Darf ich nicht' });
    expect(refused.status).to.equal(403);
    const [event, ...more] = await denials();
    expect(more).to.deep.equal([]);
    expect(event).to.deep.include({ type: 'PermissionDenied', actor: 'clara', policyVersion: t.world.runtime.policy!.version, payload: null });
    expect(event!.correlationId).to.equal(refused.headers.get('x-request-id'));
    expect(event!.data).to.deep.equal({ action: 'create', subjectType: 'Post', spaceId: 'project-apollo', reason: refused.body.detail, rule: null, suppressedBefore: 0 });
    expect(JSON.stringify(event!.data), 'what she wrote is not recorded').to.not.include('Darf ich nicht');
  });

  it('names the deny rule with its file and line, and records the audit trail refused to a non-DPO', async function () {
    expect((await call(t, dieter, 'GET', '/api/audit/events')).status).to.equal(200);
    expect((await denials()).filter((e) => e.actor === 'dieter')).to.deep.equal([]);
    const refused = await call<{ detail: string }>(t, ines, 'GET', '/api/audit/events');
    expect(refused.status).to.equal(403);
    expect(refused.body.detail).to.equal('Only data-protection officers read the audit trail');
    const event = (await denials()).find((e) => e.actor === 'ines')!;
    expect(event.data).to.deep.include({ action: 'read', subjectType: 'AuditLog', reason: 'Only data-protection officers read the audit trail', suppressedBefore: 0 });
    expect(event.data.rule).to.deep.include({ file: 'rules.yaml', summary: 'deny read, export AuditLog for role admin' });
    expect((event.data.rule as { line: number }).line).to.be.a('number');
    // Without a deny rule, nothing allowed it: the rule is null.
    expect((await call(t, bernd, 'GET', '/api/audit/events')).status).to.equal(403);
    expect((await denials()).find((e) => e.actor === 'bernd')!.data).to.deep.include({ action: 'read', subjectType: 'AuditLog', rule: null });
  });

  it('does not record a 404 for something hidden', async function () {
    const before = (await denials()).length;
    expect((await call(t, bernd, 'GET', `/api/posts/${secretPost}`)).status).to.equal(404);
    expect((await call(t, bernd, 'POST', `/api/posts/${secretPost}/comments`, { text: 'Hallo?' })).status).to.equal(404);
    expect(await denials()).to.have.length(before);
  });

  it('records one refusal per person, action and kind of thing a minute, counting the ones left out', async function () {
    const clarasPosts = async () => (await denials()).filter((e) => e.actor === 'clara' && e.data.subjectType === 'Post');
    const before = (await clarasPosts()).length;
    for (let i = 0; i < 3; i++) expect((await call(t, clara, 'POST', '/api/spaces/project-apollo/posts', { text: `Nochmal ${i}` })).status).to.equal(403);
    expect(await clarasPosts(), 'within the minute of the first refusal').to.have.length(before);
    offsetMs += 61_000;
    expect((await call(t, clara, 'POST', '/api/spaces/project-apollo/posts', { text: 'Nach einer Minute' })).status).to.equal(403);
    const after = await clarasPosts();
    expect(after).to.have.length(before + 1);
    expect(after.at(-1)!.data.suppressedBefore).to.equal(3);
  });
});
