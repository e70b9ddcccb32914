// The audit trail through HTTP: data-protection officers read and filter it; everyone else is
// refused with the policy's reason; sealed content never shows; and every read is itself on
// record.
import { expect } from 'chai';
import { acceptGuideline, call as apiCall, person, type Answer, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

interface Body {
  type: string;
  detail: string;
  next: string | null;
  items: { position: number; type: string; actor: string; streamId: string; spaceId: string | null; data: Record<string, unknown>; hasPersonalContent: boolean; policyVersion: string | null; hash: string }[];
  id: string;
}

describe('audit trail query', function () {
  let t: TestServer;
  let ada: Person;
  let bernd: Person;
  let dieter: Person; // data-protection officer
  let ines: Person; // IT admin: explicitly denied
  let secretPost: string;
  const call = (who: Person, path: string): Promise<Answer<Body>> => apiCall<Body>(t, who, 'GET', path);

  before(async function () {
    t = await startFlurfunk();
    [ada, bernd, dieter, ines] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'dieter'), await person(t, 'ines')];
    await acceptGuideline(t, ada, bernd);
    secretPost = (await apiCall<Body>(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Vertraulich: Zielpreis 4,2 Mio' })).body.id;
    await apiCall<Body>(t, bernd, 'POST', '/api/spaces/sales/posts', { text: 'Messe in Hannover' });
  });
  after(async function () {
    await t.stop();
  });

  it('lets a data-protection officer read who did what, when, under which policy — never the sealed text', async function () {
    const page = await call(dieter, '/api/audit/events?type=PostCreated');
    expect(page.status).to.equal(200);
    const created = page.body.items.find((e) => e.data.postId === secretPost)!;
    expect(created).to.include({ type: 'PostCreated', actor: 'ada', streamId: `post:${secretPost}`, spaceId: 'project-apollo', hasPersonalContent: true, policyVersion: t.world.runtime.policy!.version });
    expect(created.hash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(page.body), 'sealed content stays sealed').to.not.include('Zielpreis');
  });

  it('filters by actor, type, space, stream and time, and pages by position', async function () {
    const byActor = (await call(dieter, '/api/audit/events?actor=bernd')).body.items;
    expect(byActor.length).to.be.greaterThan(0);
    expect(new Set(byActor.map((e) => e.actor))).to.deep.equal(new Set(['bernd']));
    const bySpace = (await call(dieter, '/api/audit/events?space=sales')).body.items;
    expect(bySpace.map((e) => e.type)).to.deep.equal(['PostCreated']);
    const byStream = (await call(dieter, `/api/audit/events?stream=post:${secretPost}`)).body.items;
    expect(byStream.map((e) => e.type)).to.deep.equal(['PostCreated']);
    const signIns = (await call(dieter, '/api/audit/events?type=UserSignedIn,GuidelineAccepted')).body.items;
    expect(new Set(signIns.map((e) => e.type))).to.deep.equal(new Set(['UserSignedIn', 'GuidelineAccepted']));
    expect((await call(dieter, '/api/audit/events?from=2999-01-01')).body.items).to.deep.equal([]);
    const first = await call(dieter, '/api/audit/events?limit=2');
    const second = await call(dieter, `/api/audit/events?limit=2&cursor=${first.body.next}`);
    expect(second.body.items[0]!.position).to.be.below(first.body.items[1]!.position);
  });

  it('refuses bad filters with a clear 400', async function () {
    for (const [query, detail] of [
      ['from=yesterday', /ISO 8601/],
      ['type=post-created', /event types/],
      ['from=2026-12-01&to=2026-11-01', /must not be after/],
      ['who=ada', /unknown filter "who"/],
    ] as const) {
      const refused = await call(dieter, `/api/audit/events?${query}`);
      expect(refused.status, query).to.equal(400);
      expect(refused.body.detail).to.match(detail);
    }
  });

  it('refuses everyone the policy does not name, with its reason (403), and records no read for them', async function () {
    for (const who of [ada, bernd, ines]) {
      const refused = await call(who, '/api/audit/events');
      expect(refused.status).to.equal(403);
      expect(refused.body.type).to.equal('urn:flurfunk:problem:forbidden');
    }
    expect((await call(ines, '/api/audit/events')).body.detail).to.equal('Only data-protection officers read the audit trail');
    const reads = await t.world.runtime.store.readStream('audit-reads');
    expect(new Set(reads.map((e) => e.actor))).to.deep.equal(new Set(['dieter']));
  });

  it('explains the events to those who may read the trail (GET /api/audit/catalogue), and to no one else', async function () {
    type Catalogue = { items: { type: string; category: string; description: string; sealed: string | null; streams: string[]; schema: { required?: string[] } }[] };
    const answer = await apiCall<Catalogue>(t, dieter, 'GET', '/api/audit/catalogue');
    expect(answer.status).to.equal(200);
    const types = answer.body.items.map((e) => e.type);
    expect(types).to.include.members(['PostCreated', 'PermissionDenied', 'ServerStarted', 'AuditLogRead']);
    const created = answer.body.items.find((e) => e.type === 'PostCreated')!;
    expect(created).to.deep.include({ category: 'content', sealed: 'the post\'s text', streams: ['post:{postId}'] });
    expect(created.schema.required).to.include('postId');
    for (const who of [bernd, ines]) {
      const refused = await apiCall<Body>(t, who, 'GET', '/api/audit/catalogue');
      expect(refused.status).to.equal(403);
      expect(refused.body.type).to.equal('urn:flurfunk:problem:forbidden');
    }
  });

  it('records every read of the audit trail with its filters, visible in the trail itself', async function () {
    await call(dieter, '/api/audit/events?actor=ada&type=PostCreated');
    const reads = (await call(dieter, '/api/audit/events?type=AuditLogRead&limit=100')).body.items;
    const mine = reads.find((e) => e.data.actor === 'ada');
    expect(mine).to.include({ type: 'AuditLogRead', actor: 'dieter', streamId: 'audit-reads' });
    expect(mine!.data).to.deep.include({ types: ['PostCreated'], limit: 20 });
  });
});
