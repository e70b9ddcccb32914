// Browser sign-in and sign-out: /auth/login sends the browser to the identity provider,
// /auth/callback checks what comes back and opens a session, /auth/logout ends it (and the
// provider's session too, when the provider offers RP-initiated logout).
import { rateLimit } from 'express-rate-limit';
import express from 'express';
import type { Identity } from '../identity/identity.js';
import { SignInError } from '../identity/relying-party.js';
import { recordSignIn } from '../identity/user-directory.js';
import { escapeHtml } from '../identity/dev-pages.js';
import type { Runtime } from '../runtime.js';
import { authOf, requestFacts, requireCsrf } from './authenticate.js';
import type { Cookies } from './cookies.js';
import { sendProblem } from './problem.js';

const LOGIN_COOKIE_SECONDS = 600;

/**
 * `returnTo` as a path on Flurfunk's own origin, or "/": never another site (open redirect),
 * never a scheme-relative `//host` or `/\host` that browsers read as another host.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.length > 2000) return '/';
  // URL parsing drops tabs and newlines and reads "\" as "/": refuse rather than guess.
  if (value.includes('\\') || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  const base = new URL(publicUrl);
  const target = new URL(value, base);
  // Dot segments normalise away: "/.//evil.example" becomes "//evil.example", which a browser
  // reads as another host. Judge the path that will be sent, not the one that came in.
  const path = `${target.pathname}${target.search}${target.hash}`;
  return target.origin === base.origin && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
}

function failurePage(): string {
  return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung fehlgeschlagen</title></head>
<body><h1>Die Anmeldung hat nicht geklappt.</h1><p>Bitte versuchen Sie es noch einmal. Hält der Fehler an, nennen Sie der IT die Uhrzeit.</p>
<p><a href="${escapeHtml('/auth/login')}">Erneut anmelden</a></p></body></html>`;
}

/**
 * Sign-in starts and callbacks per client address and minute. Generous on purpose: behind a
 * company proxy everyone shares one address, and a Monday 9:00 must not lock them out; the
 * limit is there so a flood cannot fill the login-request table or the audit trail.
 */
export const SIGN_IN_LIMIT_PER_MINUTE = 300;

export function authRoutes(runtime: Runtime, identity: Identity, cookies: Cookies): express.Router {
  const router = express.Router();
  const { config, store, logger } = runtime;
  const signInLimit = rateLimit({
    windowMs: 60_000,
    limit: SIGN_IN_LIMIT_PER_MINUTE,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      req.log.warn({ address: req.ip }, 'sign-in rate limit reached');
      res.setHeader('Retry-After', '60');
      sendProblem(res, 429, 'Too many sign-in attempts from this address. Try again in a minute.', 'rate_limited');
    },
  });

  router.get('/auth/login', signInLimit, async (req, res, next) => {
    try {
      const start = await identity.rp.start();
      const returnTo = safeReturnTo(req.query.returnTo, config.publicUrl);
      const token = await identity.sessions.saveLoginRequest({ state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, returnTo });
      cookies.set(res, 'login', token, LOGIN_COOKIE_SECONDS);
      res.redirect(302, start.url.href);
    } catch (err) {
      if (err instanceof SignInError) {
        logger.error({ reason: err.reason, detail: err.detail }, 'cannot reach the identity provider');
        sendProblem(res, 503, 'The identity provider cannot be reached. Try again in a minute.', 'identity_provider_unavailable');
        return;
      }
      next(err);
    }
  });

  router.get('/auth/callback', signInLimit, async (req, res, next) => {
    const facts = requestFacts(req);
    const refuse = async (reason: string, detail: string) => {
      await identity.audit.signInFailed(reason, detail, facts);
      res.status(400).type('html').send(failurePage());
    };
    try {
      const loginToken = cookies.read(req, 'login');
      cookies.clear(res, 'login');
      const request = loginToken === undefined ? undefined : await identity.sessions.takeLoginRequest(loginToken);
      if (!request) {
        await refuse('no_login_request', 'no sign-in of this browser is waiting (cookie missing, used or older than ten minutes)');
        return;
      }
      let result;
      try {
        result = await identity.rp.finish(new URL(req.originalUrl, config.publicUrl), request);
      } catch (err) {
        if (err instanceof SignInError) {
          await refuse(err.reason, err.detail);
          return;
        }
        throw err;
      }
      let who: ReturnType<Identity['principalFrom']>;
      try {
        who = identity.principalFrom(result.claims);
      } catch (err) {
        await refuse('claims_invalid', (err as Error).message);
        return;
      }
      // A new session id at every sign-in: a session id planted before sign-in is worthless.
      const previous = cookies.read(req, 'session');
      if (previous !== undefined) await identity.sessions.end(previous);
      const { token, session } = await identity.sessions.create({ userId: who.principal.id, name: who.name, email: who.email, groups: who.rawGroups }, result.idToken);
      try {
        await recordSignIn(store, { userId: who.principal.id, name: who.name, email: who.email, groups: who.rawGroups, session: session.handle }, { actor: who.principal.id, correlationId: facts.correlationId, policyVersion: runtime.policy?.version });
      } catch (err) {
        // No session without its record in the audit trail.
        await identity.sessions.end(token);
        throw err;
      }
      cookies.set(res, 'session', token);
      req.log.info({ user: who.principal.id, session: session.handle }, 'signed in');
      res.redirect(303, request.returnTo);
    } catch (err) {
      next(err);
    }
  });

  router.post('/auth/logout', express.urlencoded({ extended: false, limit: '4kb' }), requireCsrf(new URL(config.publicUrl).origin), async (req, res, next) => {
    try {
      const auth = authOf(res);
      cookies.clear(res, 'session');
      if (auth?.via !== 'session') {
        sendProblem(res, 401, 'There is no session to sign out of.', 'sign_in_required');
        return;
      }
      const ended = await identity.sessions.end(auth.token);
      if (ended) await identity.audit.signedOut(ended, requestFacts(req));
      const endSession = await identity.rp.endSessionUrl(auth.session.idToken, `${config.publicUrl}/`);
      const destination = endSession?.href ?? '/';
      if (req.accepts(['html', 'json']) === 'json') res.json({ signedOut: true, next: destination });
      else res.redirect(303, destination);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
