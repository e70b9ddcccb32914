// The development identity provider: oidc-provider with the demo people of
// dev/demo-users.yaml, so that a fresh checkout signs in with no identity provider around.
// Flurfunk mounts it at /oidc of its own origin when no OIDC_ISSUER is set (never in
// production); tests also run it on a port of its own. It speaks standard OpenID Connect,
// so Flurfunk's relying party uses it exactly as it would use Keycloak or Entra ID.
//
// Two clients: "flurfunk", the web application (confidential, code flow with PKCE), and
// "flurfunk-cli", a public native client for desktop and phone apps and scripts, which asks
// for an access token for the API (resource indicator = the API audience) and gets a JWT with
// the person's directory groups in it.
import crypto from 'node:crypto';
import express from 'express';
import Provider, { errors, type Configuration } from 'oidc-provider';
import type { DevProviderSecrets } from './dev-provider-secrets.js';
import { errorPage, loggedOutPage, loginPage, logoutPage } from './dev-pages.js';
import type { DemoUser } from './dev-users.js';

export const WEB_CLIENT_ID = 'flurfunk';
export const CLI_CLIENT_ID = 'flurfunk-cli';
/** Where native clients may receive their code (RFC 8252 loopback; any port). */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/callback';

export interface DevProviderOptions {
  /** The issuer URL, including the mount path (e.g. http://localhost:3000/oidc). */
  readonly issuer: string;
  /** Flurfunk's public URL: the web client's redirect and post-logout URIs hang off it. */
  readonly publicUrl: string;
  readonly apiAudience: string;
  readonly users: ReadonlyMap<string, DemoUser>;
  readonly secrets: DevProviderSecrets;
}

export interface DevProvider {
  readonly provider: Provider;
  /** Interaction pages and the provider's endpoints, to mount at the issuer's path. */
  readonly router: express.Router;
}

export function createDevProvider(options: DevProviderOptions): DevProvider {
  const { users, apiAudience } = options;
  const mountPath = new URL(options.issuer).pathname.replace(/\/$/, '');
  const configuration: Configuration = {
    clients: [
      {
        client_id: WEB_CLIENT_ID,
        client_secret: options.secrets.webClientSecret,
        redirect_uris: [`${options.publicUrl}/auth/callback`],
        post_logout_redirect_uris: [`${options.publicUrl}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: CLI_CLIENT_ID,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [CLI_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [options.secrets.signingKey] },
    cookies: { keys: [options.secrets.cookieKey] },
    // Groups ride on the profile scope, as directory mappers usually set it up (Keycloak's
    // group mapper, ADFS claim rules), so a relying party asking the standard scopes gets them.
    claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email'] },
    scopes: ['openid', 'offline_access'],
    pkce: { required: () => true },
    findAccount: (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: user.name, email: user.email, groups: [...user.groups] }) };
    },
    // Access tokens for the API carry the groups, as Keycloak and Entra ID can be set up to do.
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token && typeof token.accountId === 'string' ? users.get(token.accountId) : undefined;
      return user ? { groups: [...user.groups], name: user.name, email: user.email } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== apiAudience) throw new errors.InvalidTarget(`unknown resource; this provider issues tokens for ${apiAudience} only`);
          return { scope: 'api', audience: apiAudience, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error), out.error_description === undefined ? undefined : String(out.error_description));
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, RefreshToken: 8 * 3600 },
  };
  const provider = new Provider(options.issuer, configuration);
  return { provider, router: interactionRouter(provider, users) };
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * Both clients belong to the installation, so there is no consent screen (as with a company's
 * own apps): whatever the client asked for and the provider found missing is granted.
 */
async function grantAll(provider: Provider, details: Interaction): Promise<string> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in account');
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId: String(details.params.client_id) });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return grant.save();
}

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

function interactionRouter(provider: Provider, users: ReadonlyMap<string, DemoUser>): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const names = [...users.keys()];

  router.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        await provider.interactionFinished(req, res, { consent: { grantId: await grantAll(provider, details) } }, { mergeWithLastSubmission: true });
        return;
      }
      res.type('html').send(loginPage({ action: `${req.baseUrl}/interaction/${details.uid}/login`, client: String(details.params.client_id), users: names }));
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim() : '';
      const password = typeof body.password === 'string' ? body.password : '';
      const user = users.get(username);
      // Compare even for an unknown name, so the answer takes as long either way.
      const ok = sameSecret(password, user?.password ?? crypto.randomBytes(16).toString('hex')) && user !== undefined;
      if (!ok) {
        res.status(401).type('html').send(loginPage({ action: `${req.baseUrl}/interaction/${details.uid}/login`, client: String(details.params.client_id), username, error: 'Benutzername oder Passwort falsch.', users: names }));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  router.use(provider.callback());
  return router;
}
