// The realtime stream through real HTTP: a reader gets the new posts and comments they may
// read, as they happen, and nothing else; Last-Event-ID resumes after what they saw.
import { expect } from 'chai';
import { Browser, signIn } from '../support/browser.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { EventReader } from '../support/sse.js';
import { MAX_STREAMS_PER_PERSON } from '../../src/http/stream-routes.js';
import { finished, listeningUrl, startTs } from '../support/processes.js';
import { databaseKind } from '../support/world.js';

interface Person {
  readonly browser: Browser;
  readonly csrf: string;
}

describe('realtime stream', function () {
  let t: TestServer;
  const people = new Map<string, Person>();
  const post = async (who: string, space: string, text: string) => {
    const p = people.get(who)!;
    const res = await p.browser.request(`${t.base}/api/spaces/${space}/posts`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': p.csrf }, body: JSON.stringify({ text }) });
    expect(res.status).to.equal(201);
    return (await res.json()) as { id: string };
  };
  const open = async (who: string, lastEventId?: string) => {
    const res = await people.get(who)!.browser.request(`${t.base}/api/stream`, { headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
    return new EventReader(res);
  };

  before(async function () {
    t = await startFlurfunk();
    for (const name of ['ada', 'bernd']) {
      const browser = new Browser();
      await signIn(browser, t.base, name);
      const me = (await (await browser.request(`${t.base}/api/me`)).json()) as { csrfToken: string };
      const { version } = (await (await browser.request(`${t.base}/api/guideline`)).json()) as { version: string };
      await browser.request(`${t.base}/api/guideline/acceptance`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': me.csrfToken }, body: JSON.stringify({ version }) });
      people.set(name, { browser, csrf: me.csrfToken });
    }
  });
  after(async function () {
    await t.stop();
  });

  it('delivers what the reader may read, in order, and skips the rest', async function () {
    const stream = await open('ada');
    await post('bernd', 'sales', 'Umsatzzahlen Q3'); // ada may not read sales
    await post('bernd', 'all-company', 'Sommerfest am Freitag');
    await post('ada', 'project-apollo', 'Meilenstein 3');
    const events = await stream.next(2);
    expect(events.map((e) => [e.event, e.data.text])).to.deep.equal([
      ['post', 'Sommerfest am Freitag'],
      ['post', 'Meilenstein 3'],
    ]);
    expect(Number(events[1]!.id)).to.be.greaterThan(Number(events[0]!.id));
    await stream.close();

    const outsider = await open('bernd');
    await post('ada', 'project-apollo', 'Nur für Apollo');
    await post('ada', 'all-company', 'Für alle');
    expect((await outsider.next(1)).map((e) => e.data.text)).to.deep.equal(['Für alle']);
    await outsider.close();
  });

  it('resumes after Last-Event-ID with what was missed, then goes on live', async function () {
    const first = await open('bernd');
    await post('ada', 'all-company', 'Eins');
    const [seen] = await first.next(1);
    await first.close();
    await post('ada', 'all-company', 'Zwei');
    await post('ada', 'project-apollo', 'Geheim');
    await post('ada', 'all-company', 'Drei');
    const again = await open('bernd', seen!.id);
    expect((await again.next(2)).map((e) => e.data.text)).to.deep.equal(['Zwei', 'Drei']);
    await post('ada', 'all-company', 'Vier');
    expect((await again.next(1)).map((e) => e.data.text)).to.deep.equal(['Vier']);
    await again.close();
  });

  it('streams comments, and ends open streams when the server shuts down (browsers reconnect)', async function () {
    const stream = await open('ada');
    const { id } = await post('ada', 'project-apollo', 'Frage zum Review');
    const ada = people.get('ada')!;
    await ada.browser.request(`${t.base}/api/posts/${id}/comments`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': ada.csrf }, body: JSON.stringify({ text: 'Antwort' }) });
    expect((await stream.next(2)).map((e) => `${e.event}:${e.data.text}`)).to.deep.equal(['post:Frage zum Review', 'comment:Antwort']);
    const started = Date.now();
    await t.restart();
    expect(Date.now() - started, 'no wait for the grace period').to.be.below(8_000);
    await stream.next(1, 2_000).then(
      () => expect.fail('no event after shutdown'),
      (err: Error) => expect(err.message).to.equal('the stream ended'),
    );
  });

  if (databaseKind === 'postgres') {
    it('delivers a post written through another server process on the same database (LISTEN/NOTIFY)', async function () {
      const child = startTs('src/cli/main.ts', ['serve'], { ...t.world.env, PORT: '0', LOG_LEVEL: 'info' });
      const exit = finished(child);
      try {
        const other = await listeningUrl(child);
        // Sessions are rows in the shared database: Bernd's cookie is good on either server.
        const res = await people.get('bernd')!.browser.request(`${other}/api/stream`);
        expect(res.status).to.equal(200);
        const stream = new EventReader(res);
        const { id } = await post('ada', 'all-company', 'Über den anderen Prozess');
        const [event] = await stream.next(1, 10_000);
        expect([event!.event, event!.data.id]).to.deep.equal(['post', id]);
        await stream.close();
      } finally {
        child.kill('SIGTERM');
        expect((await exit).code).to.equal(0);
      }
    });
  }

  it('catches up past events it does not stream, without a reset', async function () {
    const from = (await t.world.runtime.store.head()).position;
    const missed = await post('ada', 'all-company', 'Verpasst, aber nachgeliefert');
    // The newest events are ones the stream never sends (downloads, read marks, audit).
    await t.world.runtime.store.append('audit-reads', Array.from({ length: 5 }, (_, i) => ({ type: 'AuditLogRead', data: { limit: 50, returned: i } })), { expectedVersion: 'any', actor: 'system:test' });
    const stream = await open('bernd', String(from));
    const [first] = await stream.next(1);
    expect([first!.event, first!.data.id]).to.deep.equal(['post', missed.id]);
    const live = await post('ada', 'all-company', 'Und jetzt live');
    const [second] = await stream.next(1);
    expect([second!.event, second!.data.id]).to.deep.equal(['post', live.id]);
    await stream.close();
  });

  it('tells a client that missed too much to reload (event "reset"), then goes on live', async function () {
    const from = (await t.world.runtime.store.head()).position;
    // More than the replay limit of 10,000 events, written straight to the store.
    for (let i = 0; i < 11; i++) {
      await t.world.runtime.store.append('audit-reads', Array.from({ length: 1_000 }, () => ({ type: 'AuditLogRead', data: { limit: 50, returned: i } })), { expectedVersion: 'any', actor: 'system:test' });
    }
    const stream = await open('bernd', String(from));
    const [reset] = await stream.next(1, 20_000);
    expect(reset!.event).to.equal('reset');
    const { id } = await post('ada', 'all-company', 'Nach dem Reset');
    const [next] = await stream.next(1);
    expect([next!.event, next!.data.id]).to.deep.equal(['post', id]);
    await stream.close();
  });

  it(`refuses more than ${MAX_STREAMS_PER_PERSON} open streams per person with 429`, async function () {
    const streams = await Promise.all(Array.from({ length: MAX_STREAMS_PER_PERSON }, () => open('bernd')));
    const refused = await people.get('bernd')!.browser.request(`${t.base}/api/stream`);
    expect(refused.status).to.equal(429);
    expect(((await refused.json()) as { type: string }).type).to.equal('urn:flurfunk:problem:too_many_streams');
    expect((await people.get('ada')!.browser.request(`${t.base}/api/stream`)).status, 'per person').to.equal(200);
    await streams[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await open('bernd');
    for (const s of [...streams.slice(1), again]) await s.close();
  });

  it('refuses a stream without sign-in, and a Last-Event-ID it never sent', async function () {
    expect((await fetch(`${t.base}/api/stream`)).status).to.equal(401);
    const res = await people.get('ada')!.browser.request(`${t.base}/api/stream`, { headers: { 'Last-Event-ID': 'yesterday' } });
    expect(res.status).to.equal(400);
  });
});
