// Spaces and posts through HTTP with real sessions from the development provider: who sees
// which spaces, the guideline before the first post, posting under the policy, lists filtered
// in SQL and paged by position, and hidden things answering exactly like missing ones.
import { expect } from 'chai';
import { rebuildReadModels } from '../../src/events/projector.js';
import { projections } from '../../src/read-models.js';
import { call as apiCall, person, type Answer, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { databaseKind } from '../support/world.js';

/** The fields these tests read from answers: posts, pages, spaces, problems, the guideline. */
interface Body {
  id: string;
  type: string;
  detail: string;
  version: string;
  accepted: boolean;
  text: string;
  html: string;
  editedAt: string | null;
  versions: { text: string; by: string }[];
  spaceId: string;
  author: { id: string; name: string | null };
  may: Record<string, boolean>;
  next: string | null;
  items: { id: string; text: string; following: boolean; muted: boolean; may: { post: boolean } }[];
}

function call(t: TestServer, who: Person, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<Body>> {
  return apiCall<Body>(t, who, method, path, body, headers);
}

describe('spaces and posts', function () {
  let t: TestServer;
  let ada: Person; // GG-Alle, GG-Apollo
  let bernd: Person; // GG-Alle, GG-Vertrieb
  let clara: Person; // management: reads Apollo and sales, posts in sales only

  before(async function () {
    t = await startFlurfunk();
    [ada, bernd, clara] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara')];
    const { version } = (await call(t, ada, 'GET', '/api/guideline')).body;
    for (const p of [ada, bernd, clara]) expect((await call(t, p, 'POST', '/api/guideline/acceptance', { version })).status).to.equal(201);
  });
  after(async function () {
    await t.stop();
  });

  it('lists only the spaces a person may read, with what they may do there', async function () {
    const spaces = async (p: Person) => (await call(t, p, 'GET', '/api/spaces')).body.items.map((s) => `${s.id}${s.may.post ? '+post' : ''}`);
    expect(await spaces(ada)).to.deep.equal(['all-company+post', 'project-apollo+post']);
    expect(await spaces(bernd)).to.deep.equal(['all-company+post', 'sales+post']);
    expect(await spaces(clara)).to.deep.equal(['all-company+post', 'project-apollo', 'sales+post']);
  });

  it('asks for the current guideline before the first post, and records the acceptance', async function () {
    const dora = await person(t, 'dieter');
    const refused = await call(t, dora, 'POST', '/api/spaces/all-company/posts', { text: 'Hallo' });
    expect(refused.status).to.equal(403);
    expect(refused.body.type).to.equal('urn:flurfunk:problem:guideline_not_accepted');
    const guideline = (await call(t, dora, 'GET', '/api/guideline')).body;
    expect(guideline).to.include({ accepted: false, title: 'Nutzungsrichtlinie Flurfunk' });
    expect((await call(t, dora, 'POST', '/api/guideline/acceptance', { version: 'old' })).status).to.equal(400);
    expect((await call(t, dora, 'POST', '/api/guideline/acceptance', { version: guideline.version })).status).to.equal(201);
    expect((await call(t, dora, 'GET', '/api/guideline')).body.accepted).to.equal(true);
    expect((await call(t, dora, 'POST', '/api/spaces/all-company/posts', { text: 'Hallo' })).status).to.equal(201);
    const accepted = (await t.world.runtime.store.readStream('user:dieter')).find((e) => e.type === 'GuidelineAccepted');
    expect(accepted?.data).to.deep.equal({ userId: 'dieter', version: guideline.version });
  });

  it('posts into a confidential space for its members; everyone else gets 404, exactly as for a missing post', async function () {
    const created = await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Meilenstein 3 erreicht, danke @clara! #apollo' });
    expect(created.status).to.equal(201);
    expect(created.headers.get('location')).to.equal(`/api/posts/${created.body.id}`);
    expect(created.body.text).to.include('Meilenstein');
    expect(created.body.html).to.equal('<p>Meilenstein 3 erreicht, danke @clara! #apollo</p>\n');
    expect(created.body).to.deep.include({ spaceId: 'project-apollo', classification: 'confidential', mentions: ['clara'], topics: ['apollo'] });
    expect(created.body.author).to.deep.equal({ id: 'ada', name: 'Ada Berger' });
    expect(created.body.may).to.include({ update: true, delete: true });

    // The event records the policy that allowed it; the text is sealed, not in the clear data.
    const [event] = await t.world.runtime.store.readStream(`post:${created.body.id}`);
    expect(event!.policyVersion).to.equal(t.world.runtime.policy!.version);
    expect(JSON.stringify(event!.data)).to.not.include('Meilenstein');

    expect((await call(t, clara, 'GET', `/api/posts/${created.body.id}`)).body.text).to.include('Meilenstein');
    const hidden = await call(t, bernd, 'GET', `/api/posts/${created.body.id}`);
    const missing = await call(t, bernd, 'GET', '/api/posts/00000000-0000-4000-8000-000000000000');
    expect(hidden.status).to.equal(404);
    expect({ ...hidden.body, instance: undefined, requestId: undefined }).to.deep.equal({ ...missing.body, instance: undefined, requestId: undefined });
    expect((await call(t, bernd, 'GET', '/api/spaces/project-apollo/posts')).status).to.equal(404);
    expect((await call(t, bernd, 'POST', '/api/spaces/project-apollo/posts', { text: 'rein da' })).status).to.equal(404);
    expect((await call(t, bernd, 'GET', '/api/spaces/no-such-space/posts')).status).to.equal(404);
  });

  it('refuses a post where the person may read but not post, with the reason (403)', async function () {
    const refused = await call(t, clara, 'POST', '/api/spaces/project-apollo/posts', { text: 'Von der Leitung' });
    expect(refused.status).to.equal(403);
    expect(refused.body.type).to.equal('urn:flurfunk:problem:forbidden');
  });

  it('refuses bad input with a clear 4xx problem and appends nothing', async function () {
    const head = (await t.world.runtime.store.head()).position;
    const limit = t.world.runtime.policy!.current.set.limits.postLength;
    const cases: [unknown, Record<string, string>, number, RegExp][] = [
      [{ text: 'x'.repeat(limit + 1) }, {}, 400, new RegExp(`has ${limit + 1} characters; this installation allows at most ${limit}`)],
      [{ text: '   ' }, {}, 400, /"text" is empty/],
      [{ text: 'hi', audience: 'everyone' }, {}, 400, /unknown field "audience"/],
      [{ text: 42 }, {}, 400, /"text" must be a string/],
      ['{"text": "unterminated', {}, 400, /could not be read/],
      ['text=hi', { 'content-type': 'application/x-www-form-urlencoded' }, 400, /application\/json/],
    ];
    for (const [body, headers, status, detail] of cases) {
      const res = await call(t, ada, 'POST', '/api/spaces/all-company/posts', body, headers);
      expect(res.status, JSON.stringify(body).slice(0, 60)).to.equal(status);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.body.detail).to.match(detail);
    }
    // A text at the limit, counted in characters (an umlaut is one), is fine.
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'ä'.repeat(limit) })).status).to.equal(201);
    expect((await t.world.runtime.store.head()).position).to.equal(head + 1);
  });

  it('needs the CSRF token to post from a browser session', async function () {
    const res = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'ohne Token' }, { 'X-CSRF-Token': '' });
    expect(res.status).to.equal(403);
  });

  it('pages a space by event position, newest first, with a cursor; lists only what the reader may read', async function () {
    for (let i = 1; i <= 5; i++) expect((await call(t, bernd, 'POST', '/api/spaces/sales/posts', { text: `Angebot ${i}` })).status).to.equal(201);
    const first = (await call(t, clara, 'GET', '/api/spaces/sales/posts?limit=2')).body;
    expect(first.items.map((p) => p.text)).to.deep.equal(['Angebot 5', 'Angebot 4']);
    const second = (await call(t, clara, 'GET', `/api/spaces/sales/posts?limit=2&cursor=${first.next}`)).body;
    expect(second.items.map((p) => p.text)).to.deep.equal(['Angebot 3', 'Angebot 2']);
    const last = (await call(t, clara, 'GET', `/api/spaces/sales/posts?limit=2&cursor=${second.next}`)).body;
    expect(last.items.map((p) => p.text)).to.deep.equal(['Angebot 1']);
    expect(last.next).to.equal(null);
    expect((await call(t, clara, 'GET', '/api/spaces/sales/posts?cursor=abc')).status).to.equal(400);
    expect((await call(t, clara, 'GET', '/api/spaces/sales/posts?limit=1000')).status).to.equal(400);
    expect((await call(t, ada, 'GET', '/api/spaces/sales/posts')).status).to.equal(404);
  });

  it('follows and mutes spaces it may read, and not the others', async function () {
    expect((await call(t, ada, 'PUT', '/api/spaces/project-apollo/follow')).status).to.equal(204);
    expect((await call(t, ada, 'PUT', '/api/spaces/project-apollo/mute')).status).to.equal(204);
    const apollo = (await call(t, ada, 'GET', '/api/spaces')).body.items.find((s) => s.id === 'project-apollo');
    expect(apollo).to.include({ following: true, muted: true });
    expect((await call(t, ada, 'DELETE', '/api/spaces/project-apollo/follow')).status).to.equal(204);
    expect((await call(t, ada, 'GET', '/api/spaces')).body.items.find((s) => s.id === 'project-apollo')?.following).to.equal(false);
    expect((await call(t, ada, 'PUT', '/api/spaces/hr/follow')).status).to.equal(404);
  });

  it('posts once for requests with the same Idempotency-Key, and refuses the key for another request', async function () {
    const head = (await t.world.runtime.store.head()).position;
    const key = { 'Idempotency-Key': 'ada-2026-11-28-001' };
    const first = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Kantine heute: Spätzle' }, key);
    const retry = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Kantine heute: Spätzle' }, key);
    expect(first.status).to.equal(201);
    expect(retry.status).to.equal(201);
    expect(retry.body.id).to.equal(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.headers.get('location')).to.equal(`/api/posts/${first.body.id}`);
    expect((await t.world.runtime.store.head()).position).to.equal(head + 1);

    const other = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Etwas anderes' }, key);
    expect(other.status).to.equal(422);
    expect(other.body.type).to.equal('urn:flurfunk:problem:idempotency_key_reused');
    // Keys are per person: bernd's request with the same key is his own.
    expect((await call(t, bernd, 'POST', '/api/spaces/all-company/posts', { text: 'Kantine heute: Spätzle' }, key)).status).to.equal(201);
    // A refused request is remembered as refused, and not run again.
    const tooLong = { text: 'x'.repeat(t.world.runtime.policy!.current.set.limits.postLength + 1) };
    const badKey = { 'Idempotency-Key': 'ada-2026-11-28-002' };
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', tooLong, badKey)).status).to.equal(400);
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', tooLong, badKey)).headers.get('idempotent-replayed')).to.equal('true');
    expect((await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'x' }, { 'Idempotency-Key': 'bad key with spaces' })).status).to.equal(400);
    expect((await t.world.runtime.store.head()).position).to.equal(head + 2);
  });

  if (databaseKind === 'postgres') {
    it('answers 202 when the post is stored but the read models lag, and a retry with the same key does not post it again', async function () {
      // Hold the posts projection's row lock from another connection: the projector waits, so
      // the command's wait for its own write runs out (10 s).
      const knex = t.world.runtime.db.knex;
      const blocker = await knex.transaction();
      try {
        await blocker.raw('SELECT 1 FROM projection_positions WHERE name = ? FOR UPDATE', ['posts']);
        const key = { 'Idempotency-Key': 'ada-lag-001' };
        const first = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Eilmeldung: Parkplatz gesperrt' }, key);
        expect(first.status).to.equal(202);
        expect(first.body.type).to.equal('urn:flurfunk:problem:read_model_lag');
        const retry = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Eilmeldung: Parkplatz gesperrt' }, key);
        expect([retry.status, retry.headers.get('idempotent-replayed')]).to.deep.equal([202, 'true']);
      } finally {
        await blocker.commit();
      }
      const stored = (await t.world.runtime.store.readAll(0, 10_000)).filter((e) => e.type === 'PostCreated' && e.actor === 'ada');
      const texts = await Promise.all(stored.map(async (e) => JSON.stringify(await t.world.runtime.store.personal(e))));
      expect(texts.filter((x) => x.includes('Parkplatz gesperrt')), 'stored once').to.have.length(1);
    });
  }

  it('comments under the same rules: members comment, readers who may not post get 403, outsiders 404', async function () {
    const post = (await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Wer kommt zum Review?' })).body;
    const reply = await call(t, ada, 'POST', `/api/posts/${post.id}/comments`, { text: 'Ich, **natürlich**' });
    expect(reply.status).to.equal(201);
    expect(reply.body).to.deep.include({ postId: post.id, text: 'Ich, **natürlich**', html: '<p>Ich, <strong>natürlich</strong></p>\n' });
    expect(reply.body.author).to.deep.equal({ id: 'ada', name: 'Ada Berger' });
    expect((await call(t, clara, 'POST', `/api/posts/${post.id}/comments`, { text: 'Leitung' })).status).to.equal(403);
    expect((await call(t, bernd, 'POST', `/api/posts/${post.id}/comments`, { text: 'rein da' })).status).to.equal(404);
    expect((await call(t, bernd, 'GET', `/api/posts/${post.id}/comments`)).status).to.equal(404);
    const listed = (await call(t, clara, 'GET', `/api/posts/${post.id}/comments`)).body;
    expect(listed.items.map((c) => c.text)).to.deep.equal(['Ich, **natürlich**']);
    const limit = t.world.runtime.policy!.current.set.limits.commentLength;
    expect((await call(t, ada, 'POST', `/api/posts/${post.id}/comments`, { text: 'y'.repeat(limit + 1) })).status).to.equal(400);
    // The comment joins its post's stream, so retention shreds both with one key.
    const stream = await t.world.runtime.store.readStream(`post:${post.id}`);
    expect(stream.map((e) => e.type)).to.deep.equal(['PostCreated', 'CommentCreated']);
  });

  it('previews the audience of a post: the known people who may read the space, by name', async function () {
    const apollo = (await call(t, ada, 'GET', '/api/spaces/project-apollo/audience')).body as unknown as { count: number; readers: { id: string; name: string }[]; notReaching: number; classification: string };
    expect(apollo.classification).to.equal('confidential');
    expect(apollo.readers).to.deep.equal([
      { id: 'ada', name: 'Ada Berger' },
      { id: 'clara', name: 'Clara Hoffmann' },
    ]);
    expect(apollo.count).to.equal(2);
    expect(apollo.notReaching).to.be.at.least(1); // bernd (and dieter, if signed in by now)
    const everyone = (await call(t, bernd, 'GET', '/api/spaces/all-company/audience')).body as unknown as { readers: { id: string }[] };
    expect(everyone.readers.map((r) => r.id)).to.include.members(['ada', 'bernd', 'clara']);
    expect((await call(t, bernd, 'GET', '/api/spaces/project-apollo/audience')).status).to.equal(404);
  });

  it('builds a timeline from followed (not muted) spaces, mentions and own posts, and never shows what the reader may not read', async function () {
    const paula = await person(t, 'paula');
    const { version } = (await call(t, paula, 'GET', '/api/guideline')).body;
    await call(t, paula, 'POST', '/api/guideline/acceptance', { version });
    const texts = async (p: Person) => (await call(t, p, 'GET', '/api/timeline?limit=100')).body.items.map((i) => i.text);
    expect(await texts(paula)).to.deep.equal([]);
    await call(t, paula, 'PUT', '/api/spaces/all-company/follow');
    await call(t, bernd, 'POST', '/api/spaces/all-company/posts', { text: 'Sommerfest am Freitag' });
    await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Geheim, @paula darf das nicht sehen' });
    await call(t, paula, 'POST', '/api/spaces/hr/posts', { text: 'Neue Urlaubsregelung' });
    await call(t, bernd, 'POST', '/api/spaces/sales/posts', { text: 'Frage an @paula zur Reisekostenabrechnung' });
    const seen = await texts(paula);
    expect(seen[0]).to.equal('Neue Urlaubsregelung');
    expect(seen).to.include('Sommerfest am Freitag');
    // Mentioned in a confidential space she cannot read, and in sales, which she cannot read either.
    expect(seen.join('|')).to.not.include('Geheim').and.not.include('Reisekosten');
    await call(t, paula, 'PUT', '/api/spaces/all-company/mute');
    expect(await texts(paula)).to.deep.equal(['Neue Urlaubsregelung']);
  });

  it('searches German and English word forms, only in what the reader may read', async function () {
    await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Die Triebwerke der Raketen laufen stabil' });
    await call(t, bernd, 'POST', '/api/spaces/all-company/posts', { text: 'The new coffee machines are running' });
    const found = async (p: Person, q: string) => (await call(t, p, 'GET', `/api/search?q=${encodeURIComponent(q)}`)).body.items.map((i) => i.text);
    expect(await found(clara, 'Rakete Triebwerk')).to.deep.equal(['Die Triebwerke der Raketen laufen stabil']);
    expect(await found(bernd, 'Rakete')).to.deep.equal([]); // confidential: not even a count
    expect(await found(bernd, 'machine run')).to.deep.equal(['The new coffee machines are running']);
    expect(await found(ada, '"coffee machines" -tea')).to.deep.equal(['The new coffee machines are running']);
    expect((await call(t, ada, 'GET', '/api/search?q=')).status).to.equal(400);
  });

  it('edits keep their history; deletion takes the post and its comments out of every list', async function () {
    const post = (await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Treffen um 10 Uhr' })).body;
    expect(post.editedAt).to.equal(null);
    expect((await call(t, bernd, 'PATCH', `/api/posts/${post.id}`, { text: 'Treffen fällt aus' })).status).to.equal(403);
    const edited = await call(t, ada, 'PATCH', `/api/posts/${post.id}`, { text: 'Treffen um 11 Uhr, @bernd' });
    expect(edited.status).to.equal(200);
    expect(edited.body).to.deep.include({ text: 'Treffen um 11 Uhr, @bernd', mentions: ['bernd'] });
    expect(edited.body.editedAt).to.be.a('string');
    expect((await call(t, bernd, 'GET', `/api/posts/${post.id}`)).body.editedAt).to.equal(edited.body.editedAt);
    const history = await call(t, ada, 'GET', `/api/posts/${post.id}/history`);
    expect(history.body.versions.map((v) => [v.text, v.by])).to.deep.equal([
      ['Treffen um 10 Uhr', 'ada'],
      ['Treffen um 11 Uhr, @bernd', 'ada'],
    ]);
    expect((await call(t, bernd, 'GET', `/api/posts/${post.id}/history`)).status).to.equal(403);
    expect((await call(t, ada, 'PATCH', `/api/posts/${post.id}`, { text: '' })).status).to.equal(400);

    await call(t, bernd, 'POST', `/api/posts/${post.id}/comments`, { text: 'Passt' });
    expect((await call(t, bernd, 'DELETE', `/api/posts/${post.id}`)).status).to.equal(403);
    expect((await call(t, ada, 'DELETE', `/api/posts/${post.id}`)).status).to.equal(204);
    expect((await call(t, ada, 'GET', `/api/posts/${post.id}`)).status).to.equal(404);
    expect((await call(t, bernd, 'GET', `/api/posts/${post.id}/comments`)).status).to.equal(404);
    expect((await call(t, bernd, 'GET', '/api/spaces/all-company/posts?limit=100')).body.items.map((p) => p.id)).to.not.include(post.id);
    expect((await call(t, ada, 'GET', '/api/search?q=Treffen')).body.items.map((p) => p.id)).to.not.include(post.id);
    const stream = await t.world.runtime.store.readStream(`post:${post.id}`);
    expect(stream.map((e) => e.type)).to.deep.equal(['PostCreated', 'PostEdited', 'CommentCreated', 'PostDeleted']);
    // Rebuilt from the events in one batch (comment and deletion together), the comment stays gone.
    await rebuildReadModels(t.world.runtime.db.knex, t.world.runtime.store, projections);
    expect(await t.world.runtime.db.knex('comments').where({ post_id: post.id })).to.deep.equal([]);
    expect(await t.world.runtime.db.knex('posts').where({ id: post.id })).to.deep.equal([]);
  });
});
