// Sign-ins and tokens that must be refused, each with an audit event and no session. The
// identity provider is the development provider on a port of its own, with a layer in front
// of its token endpoint that alters the ID token on the way to Flurfunk as an attacker (or a
// broken provider) would. Bearer tokens come from the real native-client flow, or are forged
// with the provider's own key, another key, or none.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { CLI_CLIENT_ID, CLI_REDIRECT_URI, createDevProvider, WEB_CLIENT_ID } from '../../src/identity/dev-provider.js';
import { loadOrCreateDevSecrets, type DevProviderSecrets } from '../../src/identity/dev-provider-secrets.js';
import { loadDemoUsers } from '../../src/identity/dev-users.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { Browser, formAction, freePort } from '../support/browser.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { projectRoot } from '../support/processes.js';
import { EventReader } from '../support/sse.js';

type Tamper = (idToken: string) => Promise<string>;

async function resign(token: string, secrets: DevProviderSecrets, change: (claims: Record<string, unknown>) => void, key: JWK = secrets.signingKey): Promise<string> {
  const claims = decodeJwt(token) as Record<string, unknown>;
  change(claims);
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: secrets.signingKey.kid!, typ: decodeProtectedHeader(token).typ }).sign(await importJWK(key, 'RS256'));
}

async function otherKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return exportJWK(privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The development provider on its own port, with `tamper` applied to ID tokens it issues. */
async function startProvider(publicUrl: string): Promise<{ issuer: string; secrets: DevProviderSecrets; setTamper(t: Tamper | undefined): void; close(): Promise<void> }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const secrets = await loadOrCreateDevSecrets(fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-idp-')));
  const dev = createDevProvider({ issuer, publicUrl, apiAudience: `${publicUrl}/api`, users: loadDemoUsers(path.join(projectRoot, 'dev/demo-users.yaml')), secrets });
  let tamper: Tamper | undefined;
  const app = express();
  app.post('/token', (_req, res, next) => {
    const current = tamper;
    if (!current) {
      next();
      return;
    }
    const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
    res.end = ((chunk?: unknown) => {
      const body = JSON.parse(String(chunk)) as { id_token?: string };
      if (!body.id_token) return end(chunk);
      void current(body.id_token).then((idToken) => {
        const text = JSON.stringify({ ...body, id_token: idToken });
        res.setHeader('content-length', Buffer.byteLength(text));
        end(text);
      });
      return res;
    }) as typeof res.end;
    next();
  });
  app.use(dev.router);
  const server = http.createServer(app).listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return {
    issuer,
    secrets,
    setTamper: (t) => (tamper = t),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Runs the browser flow up to the provider's redirect back to Flurfunk; returns that URL. */
async function callbackUrl(browser: Browser, base: string, username = 'ada'): Promise<URL> {
  const start = await browser.follow(`${base}/auth/login`);
  let res = await browser.request(formAction(await start.res.text(), start.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password: 'demo' }).toString() });
  let url = '';
  while (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location')!, url || base).href;
    if (url.startsWith(`${base}/auth/callback`)) return new URL(url);
    res = await browser.request(url);
  }
  throw new Error(`the provider did not redirect back to Flurfunk (last ${res.status} at ${url})`);
}

async function lastAuthEvent(t: TestServer): Promise<RecordedEvent | undefined> {
  return (await t.world.runtime.store.readStream('auth')).at(-1);
}

describe('sign-in attacks: refused, audited, no session', function () {
  let t: TestServer;
  let idp: Awaited<ReturnType<typeof startProvider>>;
  before(async function () {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startProvider(base);
    t = await startFlurfunk({ OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: WEB_CLIENT_ID, OIDC_CLIENT_SECRET: idp.secrets.webClientSecret }, { port });
  });
  after(async function () {
    await t.stop();
    await idp.close();
  });
  afterEach(function () {
    idp.setTamper(undefined);
  });

  /** Completes a sign-in (with the current tamper); expects refusal with `reason`. */
  async function expectRefused(reason: string, browser = new Browser(), url?: URL): Promise<void> {
    const before = (await t.world.runtime.store.readStream('auth')).length;
    const res = await browser.request((url ?? (await callbackUrl(browser, t.base))).href);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('Die Anmeldung hat nicht geklappt');
    expect(await browser.cookie(t.base, 'flurfunk_session')).to.equal(undefined);
    const events = await t.world.runtime.store.readStream('auth');
    expect(events.length, 'one SignInFailed event').to.equal(before + 1);
    expect(events.at(-1)!.type).to.equal('SignInFailed');
    expect(events.at(-1)!.data.reason).to.equal(reason);
  }

  it('signs in when nothing is tampered with (the setup itself works)', async function () {
    const browser = new Browser();
    const res = await browser.request((await callbackUrl(browser, t.base)).href);
    expect(res.status).to.equal(303);
    expect(await browser.cookie(t.base, 'flurfunk_session')).to.be.a('string');
  });

  it('refuses a wrong state', async function () {
    const browser = new Browser();
    const url = await callbackUrl(browser, t.base);
    url.searchParams.set('state', 'forged-state');
    await expectRefused('state_mismatch', browser, url);
  });

  it('refuses a callback without this browser’s sign-in (login CSRF)', async function () {
    const url = await callbackUrl(new Browser(), t.base);
    await expectRefused('no_login_request', new Browser(), url);
  });

  it('refuses a replayed authorization code', async function () {
    const victim = new Browser();
    const used = await callbackUrl(victim, t.base);
    expect((await victim.request(used.href)).status).to.equal(303);
    // The attacker starts a sign-in of their own and feeds it the used code.
    const attacker = new Browser();
    const own = await callbackUrl(attacker, t.base, 'bernd');
    own.searchParams.set('code', used.searchParams.get('code')!);
    await expectRefused('code_rejected', attacker, own);
  });

  const tampered: [string, string, (secrets: DevProviderSecrets) => Tamper][] = [
    ['a tampered ID token signature', 'id_token_signature_invalid', () => (token) => {
      const [h, p, s] = token.split('.');
      return Promise.resolve(`${h}.${p}.${s!.slice(0, -6)}${s!.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`);
    }],
    ['a tampered ID token payload (groups added)', 'id_token_signature_invalid', () => (token) => {
      const [h, , s] = token.split('.');
      return Promise.resolve(`${h}.${b64({ ...decodeJwt(token), groups: ['GG-IT-Admins'] })}.${s}`);
    }],
    ['a wrong nonce', 'nonce_mismatch', (secrets) => (token) => resign(token, secrets, (c) => (c.nonce = 'another-nonce'))],
    ['an ID token from another issuer', 'issuer_mismatch', (secrets) => (token) => resign(token, secrets, (c) => (c.iss = 'https://evil.example'))],
    ['a well-formed ID token signed by a different key', 'id_token_signature_invalid', (secrets) => async (token) => resign(token, secrets, () => undefined, await otherKey())],
    ['alg: none', 'id_token_alg_rejected', () => (token) => Promise.resolve(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(decodeJwt(token))}.`)],
    ['an expired ID token', 'id_token_expired', (secrets) => (token) => resign(token, secrets, (c) => {
      c.iat = Math.floor(Date.now() / 1000) - 7200;
      c.exp = Math.floor(Date.now() / 1000) - 3600;
    })],
    ['an ID token for another client', 'audience_mismatch', (secrets) => (token) => resign(token, secrets, (c) => (c.aud = 'someone-else'))],
  ];
  for (const [what, reason, make] of tampered) {
    it(`refuses ${what} (${reason})`, async function () {
      idp.setTamper(make(idp.secrets));
      await expectRefused(reason);
    });
  }
});

describe('bearer access tokens for apps and scripts', function () {
  let t: TestServer;
  let secrets: DevProviderSecrets;
  let accessToken: string;
  let idToken: string;

  before(async function () {
    t = await startFlurfunk();
    secrets = JSON.parse(fs.readFileSync(path.join(t.world.dataDir, 'dev-identity', 'secrets.json'), 'utf8')) as DevProviderSecrets;
    // The native client's flow, as a desktop app runs it: PKCE, the loopback redirect, and the
    // API as the resource, so the access token is a JWT for Flurfunk's API.
    const config = await oidc.discovery(new URL(`${t.base}/oidc`), CLI_CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorize = oidc.buildAuthorizationUrl(config, { redirect_uri: CLI_REDIRECT_URI, scope: 'openid profile api', resource: `${t.base}/api`, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const browser = new Browser();
    const page = await browser.follow(authorize.href);
    let res = await browser.request(formAction(await page.res.text(), page.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=dieter&password=demo' });
    let location = '';
    for (let hop = 0; !location.startsWith(CLI_REDIRECT_URI); hop++) {
      const next = res.headers.get('location');
      if (!next || hop > 10) throw new Error(`no redirect to the native client: ${res.status} ${await res.text()}`);
      location = new URL(next, `${t.base}/oidc/`).href;
      if (!location.startsWith(CLI_REDIRECT_URI)) res = await browser.request(location);
    }
    const tokens = await oidc.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: state }, { resource: `${t.base}/api` });
    accessToken = tokens.access_token;
    idToken = tokens.id_token!;
  });
  after(async function () {
    await t.stop();
  });

  const call = (token: string) => fetch(`${t.base}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  async function expectRejected(token: string, reason: string): Promise<void> {
    const res = await call(token);
    expect(res.status).to.equal(401);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
    expect(await res.json()).to.include({ status: 401, type: 'urn:flurfunk:problem:token_invalid' });
    const last = (await t.world.runtime.store.readStream('auth')).at(-1)!;
    expect(last.type).to.equal('TokenRejected');
    expect(last.data.reason).to.equal(reason);
  }

  it('accepts the access token from the native-client flow: the same principal as a browser session', async function () {
    expect(decodeJwt(accessToken).aud).to.equal(`${t.base}/api`);
    const res = await call(accessToken);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).to.deep.include({ id: 'dieter', via: 'bearer', groups: ['GG-Alle', 'GG-Datenschutz'], roles: ['dpo', 'employee'] });
    expect(body).to.not.have.property('csrfToken');
  });

  it('ends a realtime stream opened with an access token when the token expires', async function () {
    const shortLived = await resign(accessToken, secrets, (c) => (c.exp = Math.floor(Date.now() / 1000) + 2));
    const res = await fetch(`${t.base}/api/stream`, { headers: { authorization: `Bearer ${shortLived}` } });
    expect(res.status).to.equal(200);
    const started = Date.now();
    await new EventReader(res).next(1, 10_000).then(
      () => expect.fail('no event was expected'),
      (err: Error) => expect(err.message).to.equal('the stream ended'),
    );
    expect(Date.now() - started).to.be.within(1_000, 5_000);
  });

  it('needs no CSRF token for a bearer request', async function () {
    const res = await fetch(`${t.base}/api/nothing`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    expect(res.status).to.equal(404); // past the CSRF gate, to the "no such resource" answer
  });

  it('rejects a token with the wrong audience (an ID token, or an access token for another API)', async function () {
    await expectRejected(idToken, 'audience_mismatch');
    await expectRejected(await resign(accessToken, secrets, (c) => (c.aud = 'https://other.example/api')), 'audience_mismatch');
  });

  it('rejects a token with a broken signature', async function () {
    const [header, , signature] = accessToken.split('.');
    await expectRejected(`${header}.${b64({ ...decodeJwt(accessToken), groups: ['GG-IT-Admins'] })}.${signature}`, 'signature_invalid');
  });

  it('rejects a token signed by another key under the provider’s key id', async function () {
    await expectRejected(await resign(accessToken, secrets, () => undefined, await otherKey()), 'signature_invalid');
  });

  it('rejects alg: none and HS256 signed with the public key', async function () {
    await expectRejected(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(decodeJwt(accessToken))}.`, 'alg_rejected');
    const publicJwk = { kty: secrets.signingKey.kty, n: secrets.signingKey.n, e: secrets.signingKey.e };
    const hs = await new SignJWT(decodeJwt(accessToken)).setProtectedHeader({ alg: 'HS256', kid: secrets.signingKey.kid! }).sign(crypto.createSecretKey(Buffer.from(JSON.stringify(publicJwk))));
    await expectRejected(hs, 'alg_rejected');
  });

  it('rejects an expired token', async function () {
    const expired = await resign(accessToken, secrets, (c) => {
      c.iat = Math.floor(Date.now() / 1000) - 7200;
      c.exp = Math.floor(Date.now() / 1000) - 3600;
    });
    await expectRejected(expired, 'expired');
  });

  it('rejects garbage in the Authorization header', async function () {
    const res = await fetch(`${t.base}/api/me`, { headers: { authorization: 'Bearer not a token' } });
    expect(res.status).to.equal(401);
    expect((await lastAuthEvent(t))?.data.reason).to.equal('malformed');
  });

  it('records the first five refusals of a kind a minute from one address, and counts the rest', async function () {
    const malformed = async () => (await t.world.runtime.store.readStream('auth')).filter((e) => e.data.reason === 'malformed').length;
    for (let i = 0; i < 12; i++) expect((await call(`x${i}.y.z`)).status).to.equal(401);
    expect(await malformed()).to.equal(5);
    // The audit event keeps the address as personal content, not in the clear data.
    const last = (await lastAuthEvent(t))!;
    expect(last.data).to.deep.equal({ reason: 'malformed', suppressedBefore: 0 });
    expect(await t.world.runtime.store.personal(last)).to.deep.equal({ state: 'present', value: { remoteAddress: '127.0.0.1' } });
  });
});
