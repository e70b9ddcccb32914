// Sign-in as a browser does it, against the development provider over real HTTP: the code flow
// with a cookie jar, /api/me, sign-out, sessions across a restart, CSRF, timeouts, returnTo,
// and the events each step leaves in the audit trail.
import { expect } from 'chai';
import { spaceAudience } from '../../src/policy/audience.js';
import { Sessions } from '../../src/identity/sessions.js';
import { knownUsers, recordSignIn } from '../../src/identity/user-directory.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { Browser, formAction, hiddenFields, signIn } from '../support/browser.js';
import { SIGN_IN_LIMIT_PER_MINUTE } from '../../src/http/auth-routes.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { createWorld } from '../support/world.js';

interface Me {
  id: string;
  name: string;
  email: string;
  groups: string[];
  roles: string[];
  csrfToken: string;
  via: string;
}

async function me(browser: Browser, base: string): Promise<{ status: number; body: Me }> {
  const res = await browser.request(`${base}/api/me`);
  return { status: res.status, body: (await res.json()) as Me };
}

async function eventsOf(t: TestServer, stream: string): Promise<RecordedEvent[]> {
  return t.world.runtime.store.readStream(stream);
}

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sign-in through the development provider', function () {
  let offsetMs = 0;
  let t: TestServer;
  before(async function () {
    t = await startFlurfunk({ SESSION_IDLE_MINUTES: '30', SESSION_MAX_HOURS: '2' }, { clock: () => new Date(Date.now() + offsetMs) });
  });
  after(async function () {
    await t.stop();
  });
  afterEach(function () {
    offsetMs = 0;
  });

  it('code flow → session → /api/me with id, name and normalized groups → sign-out ends it', async function () {
    const browser = new Browser();
    const { res, url } = await signIn(browser, t.base, 'ada');
    expect(url).to.equal(`${t.base}/`);
    expect(res.status).to.equal(200);
    // The web UI's page, whose script asks /api/me who is signed in.
    expect(await res.text()).to.include('<div id="app">').and.match(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    // The way there: Flurfunk → provider → login form → provider → Flurfunk's callback.
    expect(browser.hops.map((h) => new URL(h.url).pathname)).to.include.members(['/auth/login', '/oidc/auth', '/auth/callback']);

    const session = await browser.cookie(t.base, 'flurfunk_session');
    expect(session).to.be.a('string');
    const cookieHeader = browser.hops.length > 0 ? (await browser.jar.getCookies(t.base)).find((c) => c.key === 'flurfunk_session')! : undefined;
    expect(cookieHeader?.httpOnly).to.equal(true);
    expect(cookieHeader?.sameSite).to.equal('lax');
    expect(cookieHeader?.secure).to.equal(false); // http://127.0.0.1: Secure would drop it

    const { status, body } = await me(browser, t.base);
    expect(status).to.equal(200);
    // ada's provider sends "GG-Alle" and an LDAP DN; the policy names the CN.
    expect(body).to.include({ id: 'ada', name: 'Ada Berger', email: 'ada.berger@flurfunk.example', via: 'session' });
    expect(body.groups).to.deep.equal(['GG-Alle', 'GG-Apollo']);
    expect(body.roles).to.deep.equal(['employee']);

    const signedIn = await eventsOf(t, 'user:ada');
    expect(signedIn.map((e) => e.type)).to.deep.equal(['UserSignedIn', 'UserProfileChanged', 'UserGroupsChanged']);
    expect(signedIn[0]!.data).to.include({ userId: 'ada', first: true });
    expect(signedIn[0]!.actor).to.equal('ada');
    expect(signedIn[0]!.policyVersion).to.equal(t.world.runtime.policy!.version);
    expect(signedIn[2]!.data.groups).to.deep.equal(['CN=GG-Apollo,OU=Groups,DC=acme,DC=local', 'GG-Alle']);
    // Name and email are sealed personal content, not clear data.
    expect(JSON.stringify(signedIn[1]!.data)).to.not.include('Ada');
    expect(await t.world.runtime.store.personal(signedIn[1]!)).to.deep.equal({ state: 'present', value: { name: 'Ada Berger', email: 'ada.berger@flurfunk.example' } });

    const out = await browser.request(`${t.base}/auth/logout`, { method: 'POST', headers: { 'X-CSRF-Token': body.csrfToken, accept: 'application/json' } });
    expect(out.status).to.equal(200);
    const answer = (await out.json()) as { signedOut: boolean; next: string };
    expect(answer.signedOut).to.equal(true);
    // The provider offers RP-initiated logout: the browser goes on to end that session too.
    expect(answer.next).to.match(new RegExp(`^${t.base}/oidc/session/end\\?`));
    expect(new URL(answer.next).searchParams.get('post_logout_redirect_uri')).to.equal(`${t.base}/`);
    expect((await me(browser, t.base)).status).to.equal(401);
    const ended = await eventsOf(t, 'user:ada');
    expect(ended.at(-1)).to.deep.include({ type: 'UserSignedOut' });
    expect(ended.at(-1)!.data).to.deep.equal({ userId: 'ada', session: signedIn[0]!.data.session });

    // …and the provider's own sign-out page works under Flurfunk's CSP (a plain form, no script).
    const page = await browser.follow(answer.next);
    expect(page.res.status).to.equal(200);
    const html = await page.res.text();
    expect(html).to.not.include('<script');
    const done = await browser.submit(formAction(html, page.url), { ...hiddenFields(html), logout: 'yes' });
    expect(done.url).to.equal(`${t.base}/`);
  });

  it('serves the web UI without a session (it offers sign-in once /api/me answers 401)', async function () {
    const res = await fetch(`${t.base}/spaces/all-company`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(await res.text()).to.include('<div id="app">');
    // A page address may hold a dot (a person's id); a missing file is still a 404.
    expect((await fetch(`${t.base}/people/max.mustermann`)).status).to.equal(200);
    expect((await fetch(`${t.base}/assets/missing.js`)).status).to.equal(404);
    expect((await fetch(`${t.base}/index.html`)).headers.get('cache-control')).to.equal('no-store');
  });

  it('answers /api/me without a session with 401 problem+json', async function () {
    const res = await fetch(`${t.base}/api/me`);
    expect(res.status).to.equal(401);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(await res.json()).to.include({ status: 401, type: 'urn:flurfunk:problem:sign_in_required' });
  });

  it('refuses a wrong password at the provider: no session, the form again', async function () {
    const browser = new Browser();
    const start = await browser.follow(`${t.base}/auth/login`);
    const wrong = await browser.submit(formAction(await start.res.text(), start.url), { username: 'ada', password: 'nope' });
    expect(wrong.res.status).to.equal(401);
    expect(await wrong.res.text()).to.include('Benutzername oder Passwort falsch');
    expect(await browser.cookie(t.base, 'flurfunk_session')).to.equal(undefined);
  });

  it('keeps the session across a server restart', async function () {
    const browser = new Browser();
    await signIn(browser, t.base, 'bernd');
    expect((await me(browser, t.base)).body.id).to.equal('bernd');
    await t.restart();
    const after = await me(browser, t.base);
    expect(after.status).to.equal(200);
    expect(after.body).to.include({ id: 'bernd' });
    expect(after.body.groups).to.deep.equal(['GG-Alle', 'GG-Vertrieb']); // Keycloak paths, normalized
  });

  it('refuses a state-changing request without the CSRF token (403), or from another origin, and the session stays', async function () {
    const browser = new Browser();
    await signIn(browser, t.base, 'clara');
    const { body } = await me(browser, t.base);
    const noToken = await browser.request(`${t.base}/auth/logout`, { method: 'POST' });
    expect(noToken.status).to.equal(403);
    expect(await noToken.json()).to.include({ type: 'urn:flurfunk:problem:csrf_failed' });
    const wrongToken = await browser.request(`${t.base}/auth/logout`, { method: 'POST', headers: { 'X-CSRF-Token': `${body.csrfToken}x` } });
    expect(wrongToken.status).to.equal(403);
    const foreign = await browser.request(`${t.base}/auth/logout`, { method: 'POST', headers: { 'X-CSRF-Token': body.csrfToken, Origin: 'https://evil.example' } });
    expect(foreign.status).to.equal(403);
    const api = await browser.request(`${t.base}/api/anything`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).to.equal(403);
    expect((await me(browser, t.base)).status).to.equal(200);
    // A plain HTML form may send the token as a field instead of the header.
    const form = await browser.request(`${t.base}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrfToken=${encodeURIComponent(body.csrfToken)}` });
    expect(form.status).to.equal(303);
    expect((await me(browser, t.base)).status).to.equal(401);
  });

  it('gives a new session id at every sign-in and ends the one the browser had', async function () {
    const browser = new Browser();
    await signIn(browser, t.base, 'dieter');
    const first = await browser.cookie(t.base, 'flurfunk_session');
    await signIn(browser, t.base, 'dieter');
    const second = await browser.cookie(t.base, 'flurfunk_session');
    expect(second).to.be.a('string').and.not.equal(first);
    const stale = await fetch(`${t.base}/api/me`, { headers: { cookie: `flurfunk_session=${first}` } });
    expect(stale.status).to.equal(401);
    const kept = await fetch(`${t.base}/api/me`, { headers: { cookie: `flurfunk_session=${second}` } });
    expect(kept.status).to.equal(200);
    // The second sign-in changed nothing about dieter: only UserSignedIn.
    expect((await eventsOf(t, 'user:dieter')).map((e) => e.type)).to.deep.equal(['UserSignedIn', 'UserProfileChanged', 'UserGroupsChanged', 'UserSignedIn']);
  });

  it('ends an idle session after SESSION_IDLE_MINUTES and records SessionExpired', async function () {
    const browser = new Browser();
    await signIn(browser, t.base, 'ines');
    offsetMs = 29 * 60_000;
    expect((await me(browser, t.base)).status).to.equal(200); // and touches it
    offsetMs = 58 * 60_000; // 29 minutes after the last request: still within 30
    expect((await me(browser, t.base)).status).to.equal(200);
    offsetMs = 89 * 60_000; // 31 minutes idle
    expect((await me(browser, t.base)).status).to.equal(401);
    const last = (await eventsOf(t, 'user:ines')).at(-1)!;
    expect(last.type).to.equal('SessionExpired');
    expect(last.data).to.include({ why: 'idle' });
    expect(last.actor).to.equal('system:sessions');
  });

  it('ends every session after SESSION_MAX_HOURS, however busy', async function () {
    const browser = new Browser();
    await signIn(browser, t.base, 'paula');
    for (let minutes = 20; minutes < 120; minutes += 20) {
      offsetMs = minutes * 60_000;
      expect((await me(browser, t.base)).status, `after ${minutes} minutes`).to.equal(200);
    }
    offsetMs = 121 * 60_000;
    expect((await me(browser, t.base)).status).to.equal(401);
    expect((await eventsOf(t, 'user:paula')).at(-1)!.data).to.include({ why: 'absolute' });
  });

  for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aLocation:%20https://evil.example', '/.//evil.example', '/..//evil.example', '/a/..//evil.example', '/%2e%2e//evil.example']) {
    it(`returnTo=${evil} does not send the browser off-site after sign-in`, async function () {
      const browser = new Browser();
      const { url } = await signIn(browser, t.base, 'ada', 'demo', evil);
      expect(new URL(url).origin).to.equal(t.base);
      expect(browser.hops.every((h) => new URL(h.url).origin === t.base)).to.equal(true);
    });
  }

  it('returns to a same-origin path with its query after sign-in', async function () {
    const browser = new Browser();
    const { url } = await signIn(browser, t.base, 'ada', 'demo', '/spaces/sales?tab=new');
    expect(url).to.equal(`${t.base}/spaces/sales?tab=new`);
  });

  it('knows who has signed in: the user directory feeds the audience of a confidential space', async function () {
    await signIn(new Browser(), t.base, 'ada');
    await signIn(new Browser(), t.base, 'bernd');
    const known = await eventually(
      () => knownUsers(t.world.runtime.db.knex),
      (rows) => rows.some((r) => r.id === 'ada') && rows.some((r) => r.id === 'bernd'),
      'ada and bernd in the users table',
    );
    expect(known.find((u) => u.id === 'ada')).to.deep.equal({ id: 'ada', name: 'Ada Berger', groups: ['CN=GG-Apollo,OU=Groups,DC=acme,DC=local', 'GG-Alle'] });
    const audience = spaceAudience(t.world.runtime.policy!.current, known, 'project-apollo')!;
    expect(audience.readers.map((r) => r.id)).to.include('ada').and.not.include('bernd');
    expect(audience.readers.find((r) => r.id === 'ada')?.name).to.equal('Ada Berger');
  });
});

describe('user directory events', function () {
  it('records profile and group changes between sign-ins, and nothing when nothing changed', async function () {
    const world = await createWorld();
    const runtime = await world.start();
    try {
      const context = { actor: 'u1' };
      await recordSignIn(runtime.store, { userId: 'u1', name: 'Uta', email: 'uta@x.example', groups: ['A', 'B'], session: '0000000000000001' }, context);
      await recordSignIn(runtime.store, { userId: 'u1', name: 'Uta', email: 'uta@x.example', groups: ['B', 'A'], session: '0000000000000002' }, context);
      await recordSignIn(runtime.store, { userId: 'u1', name: 'Uta Roth', email: 'uta@x.example', groups: ['B', 'C'], session: '0000000000000003' }, context);
      const events = await runtime.store.readStream('user:u1');
      expect(events.map((e) => e.type)).to.deep.equal(['UserSignedIn', 'UserProfileChanged', 'UserGroupsChanged', 'UserSignedIn', 'UserSignedIn', 'UserProfileChanged', 'UserGroupsChanged']);
      expect(events[5]!.data).to.deep.equal({ userId: 'u1', changed: ['name'] });
      expect(events[6]!.data).to.deep.equal({ userId: 'u1', groups: ['B', 'C'], added: ['C'], removed: ['A'] });
    } finally {
      await world.stop();
    }
  });
});

describe('sign-in with OIDC_GROUPS_CLAIM naming another claim', function () {
  it('reads groups from that claim instead of the policy’s, so here the person has none', async function () {
    const t = await startFlurfunk({ OIDC_GROUPS_CLAIM: 'memberOf' });
    try {
      const browser = new Browser();
      await signIn(browser, t.base, 'dieter');
      const { body } = await me(browser, t.base);
      expect(body.id).to.equal('dieter');
      expect(body.groups).to.deep.equal([]);
      expect(body.roles).to.deep.equal(['employee']); // not dpo: GG-Datenschutz was not read
    } finally {
      await t.stop();
    }
  });
});

describe('session store', function () {
  it('sweeps idle and over-age sessions once each, and login requests are single-use and expire', async function () {
    const world = await createWorld();
    let now = Date.parse('2026-11-28T08:00:00Z');
    const runtime = await world.start();
    try {
      const sessions = new Sessions(runtime.db.knex, () => new Date(now), { idleMinutes: 30, maxHours: 2 });
      const idle = await sessions.create({ userId: 'u1', groups: ['G'] }, undefined);
      const busy = await sessions.create({ userId: 'u2', groups: [] }, undefined);
      now += 20 * 60_000;
      expect((await sessions.find(busy.token)).status).to.equal('active');
      now += 20 * 60_000; // u1 idle for 40 minutes, u2 for 20
      const swept = await sessions.sweep();
      expect(swept.map((s) => [s.session.userId, s.why])).to.deep.equal([['u1', 'idle']]);
      expect(await sessions.sweep()).to.deep.equal([]);
      expect((await sessions.find(idle.token)).status).to.equal('none');
      now += 81 * 60_000; // past two hours since sign-in
      expect((await sessions.find(busy.token)).status).to.equal('expired');

      const ticket = await sessions.saveLoginRequest({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/x' });
      expect(await sessions.takeLoginRequest(ticket)).to.deep.equal({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/x' });
      expect(await sessions.takeLoginRequest(ticket)).to.equal(undefined);
      const stale = await sessions.saveLoginRequest({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
      now += 11 * 60_000;
      expect(await sessions.takeLoginRequest(stale)).to.equal(undefined);
      // The table holds hashes, never the tokens the cookies carry.
      const stored = await runtime.db.knex('sessions').select('id_hash');
      expect(JSON.stringify(stored)).to.not.include(busy.token);
    } finally {
      await world.stop();
    }
  });
});

describe('sign-in rate limit', function () {
  it(`answers 429 after ${SIGN_IN_LIMIT_PER_MINUTE} sign-in starts from one client in a minute; behind a trusted proxy, per client`, async function () {
    const t = await startFlurfunk({ TRUST_PROXY: 'loopback' });
    const from = (address: string) => ({ redirect: 'manual' as const, headers: { 'X-Forwarded-For': address } });
    try {
      const starts = [];
      for (let i = 0; i < SIGN_IN_LIMIT_PER_MINUTE; i++) starts.push((await fetch(`${t.base}/auth/login`, from('10.1.1.1'))).status);
      expect(new Set(starts)).to.deep.equal(new Set([302]));
      expect((await fetch(`${t.base}/auth/login`, from('10.1.1.2'))).status, 'another person behind the same proxy').to.equal(302);
      const limited = await fetch(`${t.base}/auth/login`, from('10.1.1.1'));
      expect(limited.status).to.equal(429);
      expect(limited.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(((await limited.json()) as { type: string }).type).to.equal('urn:flurfunk:problem:rate_limited');
      expect((await fetch(`${t.base}/auth/callback?code=x&state=y`, from('10.1.1.1'))).status, 'the callback shares the limit').to.equal(429);
      expect((await fetch(`${t.base}/api/me`)).status, 'the API is not limited by it').to.equal(401);
    } finally {
      await t.stop();
    }
  });
});
