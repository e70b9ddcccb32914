// Who is asking: a bearer access token (apps, scripts) or the session cookie (browsers), turned
// into the active policy's principal. Also the two gates every route relies on: signed in, and,
// for browser requests that change state, the session's CSRF token in X-CSRF-Token.
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Identity } from '../identity/identity.js';
import type { Session } from '../identity/sessions.js';
import type { Principal } from '../policy/principal.js';
import type { Cookies } from './cookies.js';
import { sendProblem } from './problem.js';

export type Auth =
  | { readonly via: 'session'; readonly principal: Principal; readonly name?: string; readonly email?: string; readonly session: Session; readonly token: string }
  | { readonly via: 'bearer'; readonly principal: Principal; readonly name?: string; readonly email?: string; readonly expiresAt?: Date };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authOf(res: Response): Auth | undefined {
  return res.locals.auth as Auth | undefined;
}

export function requestFacts(req: Request): { remoteAddress: string | undefined; correlationId: string | undefined } {
  return { remoteAddress: req.ip ?? req.socket.remoteAddress, correlationId: typeof req.id === 'object' ? undefined : String(req.id) };
}

export function authenticate(identity: Identity, cookies: Cookies): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
        let claims: Record<string, unknown> | undefined;
        let reason = 'malformed';
        if (match) {
          try {
            claims = await identity.bearer.verify(match[1]!);
          } catch (err) {
            reason = (err as { reason?: string }).reason ?? 'malformed';
          }
        }
        if (!claims) {
          await identity.audit.tokenRejected(reason, requestFacts(req));
          res.setHeader('WWW-Authenticate', `Bearer error="invalid_token"`);
          sendProblem(res, 401, 'The access token is not valid here.', 'token_invalid');
          return;
        }
        let who: ReturnType<Identity['principalFrom']>;
        try {
          who = identity.principalFrom(claims);
        } catch {
          await identity.audit.tokenRejected('claims_invalid', requestFacts(req));
          res.setHeader('WWW-Authenticate', `Bearer error="invalid_token"`);
          sendProblem(res, 401, 'The access token is not valid here.', 'token_invalid');
          return;
        }
        const expiresAt = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined;
        res.locals.auth = { via: 'bearer', principal: who.principal, name: who.name, email: who.email, expiresAt } satisfies Auth;
        next();
        return;
      }
      const token = cookies.read(req, 'session');
      if (token !== undefined) {
        const found = await identity.sessions.find(token);
        if (found.status === 'active') {
          const s = found.session;
          const principal = identity.principalFrom({ ...claimsOf(identity, s) }).principal;
          res.locals.auth = { via: 'session', principal, name: s.name, email: s.email, session: s, token } satisfies Auth;
        } else {
          if (found.status === 'expired') await identity.audit.sessionExpired(found.session, found.why, requestFacts(req));
          cookies.clear(res, 'session');
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** A session's stored identity as claims, under the names the active policy reads. */
function claimsOf(identity: Identity, s: Session): Record<string, unknown> {
  const names = identity.claimNames();
  return { [names.subject]: s.userId, [names.name]: s.name, [names.email]: s.email, [names.groups]: [...s.groups] };
}

export const requireSignIn: RequestHandler = (_req, res, next) => {
  if (authOf(res)) next();
  else sendProblem(res, 401, 'Sign in first: GET /auth/login, or send an access token.', 'sign_in_required');
};

function sameToken(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/**
 * Browser requests that change state must carry the session's CSRF token (X-CSRF-Token, or a
 * `csrfToken` form field for plain HTML forms) and, when the browser says where they come
 * from, come from Flurfunk's own origin. Bearer requests need neither: no browser adds the
 * token on its own.
 */
export function requireCsrf(publicOrigin: string): RequestHandler {
  return (req, res, next) => {
    const auth = authOf(res);
    if (SAFE_METHODS.has(req.method) || auth?.via !== 'session') {
      next();
      return;
    }
    const origin = req.headers.origin;
    const body = req.body as Record<string, unknown> | undefined;
    const given = req.headers['x-csrf-token'] ?? (typeof body?.csrfToken === 'string' ? body.csrfToken : undefined);
    if ((origin !== undefined && origin !== publicOrigin) || typeof given !== 'string' || !sameToken(given, auth.session.csrfToken)) {
      sendProblem(res, 403, 'This request needs the X-CSRF-Token header with the csrfToken from GET /api/me.', 'csrf_failed');
      return;
    }
    next();
  };
}
