// The people directory and #topic completion: who can be found, what a profile shows and
// offers, whose posts a profile lists (only readable ones), and that topic suggestions never
// leak a topic from a space the caller cannot read.
import { expect } from 'chai';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

interface Page<T> {
  items: T[];
  next: string | null;
}

describe('people and topics', function () {
  let t: TestServer;
  let ada: Person;
  let bernd: Person;
  let clara: Person;
  before(async function () {
    t = await startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' });
    [ada, bernd, clara] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara')];
    await acceptGuideline(t, ada);
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Kantine heute: Linsen #mittagessen #mittwoch' })).status).to.equal(201);
    expect((await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Apollo-Termin verschoben #mittelstufe-geheim' })).status).to.equal(201);
  });
  after(async function () {
    await t?.stop();
  });

  it('finds people by part of the name or id, those starting with it first, and refuses an empty search', async function () {
    const byName = await call<Page<{ id: string; name: string | null }>>(t, bernd, 'GET', '/api/people?q=berg');
    expect(byName.status).to.equal(200);
    expect(byName.body.items).to.deep.equal([{ id: 'ada', name: 'Ada Berger' }]);
    const byId = await call<Page<{ id: string }>>(t, bernd, 'GET', '/api/people?q=C');
    expect(byId.body.items.map((p) => p.id)[0]).to.equal('clara');
    // LIKE's wildcards are taken literally.
    expect((await call<Page<unknown>>(t, bernd, 'GET', '/api/people?q=%25')).body.items).to.deep.equal([]);
    expect((await call(t, bernd, 'GET', '/api/people?q=')).status).to.equal(400);
    // Never signed in: not known, not found.
    expect((await call<Page<unknown>>(t, bernd, 'GET', '/api/people?q=dieter')).body.items).to.deep.equal([]);
  });

  it('shows a profile with what the caller may do, and 404 for someone unknown', async function () {
    const profile = await call<{ id: string; name: string; following: boolean; may: { follow: boolean; message: boolean } }>(t, bernd, 'GET', '/api/people/ada');
    expect(profile.status).to.equal(200);
    expect(profile.body).to.include({ id: 'ada', name: 'Ada Berger', following: false });
    expect(profile.body.may).to.deep.equal({ follow: true, message: true });
    const own = await call<{ may: { follow: boolean; message: boolean } }>(t, bernd, 'GET', '/api/people/bernd');
    expect(own.body.may).to.deep.equal({ follow: false, message: false });
    expect((await call(t, bernd, 'PUT', '/api/people/ada/follow')).status).to.equal(204);
    expect((await call<{ following: boolean }>(t, bernd, 'GET', '/api/people/ada')).body.following).to.equal(true);
    expect((await call(t, bernd, 'GET', '/api/people/nobody')).status).to.equal(404);
    expect((await call(t, bernd, 'GET', '/api/people/nobody/posts')).status).to.equal(404);
  });

  it('lists a person’s posts the caller may read – the confidential one only for its readers', async function () {
    const forBernd = await call<Page<{ spaceId: string }>>(t, bernd, 'GET', '/api/people/ada/posts');
    expect(forBernd.status).to.equal(200);
    expect(forBernd.body.items.map((p) => p.spaceId)).to.deep.equal(['all-company']);
    const forClara = await call<Page<{ spaceId: string }>>(t, clara, 'GET', '/api/people/ada/posts');
    expect(forClara.body.items.map((p) => p.spaceId)).to.deep.equal(['project-apollo', 'all-company']);
  });

  it('suggests #topics from readable posts only', async function () {
    const forBernd = await call<Page<{ topic: string; posts: number }>>(t, bernd, 'GET', '/api/topics?q=%23mitt');
    expect(forBernd.body.items).to.deep.equal([
      { topic: 'mittagessen', posts: 1 },
      { topic: 'mittwoch', posts: 1 },
    ]);
    const forAda = await call<Page<{ topic: string }>>(t, ada, 'GET', '/api/topics?q=mitt');
    expect(forAda.body.items.map((i) => i.topic)).to.include('mittelstufe-geheim');
    expect((await call<Page<unknown>>(t, bernd, 'GET', '/api/topics?q=')).body.items).to.have.length(2);
  });
});
