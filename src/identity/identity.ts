// Sign-in as one part of the running server: the relying party (for the configured provider, or
// the development provider Flurfunk starts itself when none is configured outside production),
// browser sessions, bearer-token checks, the user directory and the audit of it all.
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors.js';
import { identityFromClaims, type Principal } from '../policy/principal.js';
import type { ClaimNames } from '../policy/model.js';
import type { Runtime } from '../runtime.js';
import { AuthAudit } from './auth-audit.js';
import { BearerVerifier } from './bearer.js';
import type { DevProvider } from './dev-provider.js';
import { RelyingParty } from './relying-party.js';
import { Sessions } from './sessions.js';

/** The development provider's path on Flurfunk's own origin. */
export const DEV_ISSUER_PATH = '/oidc';
const SWEEP_MS = 60_000;

export interface Identity {
  readonly rp: RelyingParty;
  readonly sessions: Sessions;
  readonly bearer: BearerVerifier;
  readonly audit: AuthAudit;
  /** Present when Flurfunk runs its own development provider. */
  readonly devProvider: DevProvider | undefined;
  /** Claim names: the active policy's, with OIDC_GROUPS_CLAIM overriding the groups claim. */
  claimNames(): ClaimNames;
  /** Identity claims → the active policy's principal. */
  principalFrom(claims: Record<string, unknown>): { principal: Principal; name?: string; email?: string; rawGroups: string[] };
  close(): Promise<void>;
}

/** Production needs a real identity provider: refuse before anything else starts. */
export function assertSignInConfigured(config: Config): void {
  if (!config.oidc.issuer && config.env === 'production') {
    throw new ConfigError([
      'OIDC_ISSUER: expected to be set when NODE_ENV=production (with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET); the development identity provider never runs in production',
    ]);
  }
}

export async function startIdentity(runtime: Runtime): Promise<Identity> {
  const { config, logger, store, db } = runtime;
  const policy = runtime.policy;
  if (!policy) throw new Error('sign-in needs the active policy: start the runtime with `policy`');
  const clock = runtime.clock;

  let devProvider: DevProvider | undefined;
  let rp: RelyingParty;
  const redirectUri = `${config.publicUrl}/auth/callback`;
  if (config.oidc.issuer) {
    rp = new RelyingParty({ issuer: config.oidc.issuer, clientId: config.oidc.clientId!, clientSecret: config.oidc.clientSecret, redirectUri, scopes: config.oidc.scopes });
  } else {
    assertSignInConfigured(config);
    // Loaded only here: oidc-provider is development-only, and warns about Node 20 on import.
    const [{ createDevProvider, WEB_CLIENT_ID }, { loadOrCreateDevSecrets }, { loadDemoUsers }] = await Promise.all([import('./dev-provider.js'), import('./dev-provider-secrets.js'), import('./dev-users.js')]);
    const issuer = `${config.publicUrl}${DEV_ISSUER_PATH}`;
    const secrets = await loadOrCreateDevSecrets(config.dataDir);
    devProvider = createDevProvider({ issuer, publicUrl: config.publicUrl, apiAudience: config.oidc.apiAudience, users: loadDemoUsers(config.oidc.devUsersFile), secrets });
    rp = new RelyingParty({ issuer, clientId: WEB_CLIENT_ID, clientSecret: secrets.webClientSecret, redirectUri, scopes: config.oidc.scopes });
    logger.warn({ issuer, users: config.oidc.devUsersFile }, 'no OIDC_ISSUER set: signing in through the built-in development identity provider (demo users; never for production)');
    if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
      // The demo passwords are public: on a network address, anyone who reaches the port is anyone.
      logger.warn({ host: config.host }, 'the development identity provider is reachable from the network (HOST is not a loopback address): anyone who can reach this port can sign in as a demo user');
    }
  }

  const claimNames = (): ClaimNames => {
    const names = policy.current.set.claims;
    return config.oidc.groupsClaim ? { ...names, groups: config.oidc.groupsClaim } : names;
  };
  const sessions = new Sessions(db.knex, clock, config.sessions);
  const audit = new AuthAudit(store, logger, clock, () => policy.version);
  const bearer = new BearerVerifier(rp, config.oidc.apiAudience, () => claimNames().groups, clock);

  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      try {
        for (const { session, why } of await sessions.sweep()) await audit.sessionExpired(session, why, undefined);
      } catch (err) {
        logger.error({ err }, 'sweeping expired sessions failed');
      } finally {
        sweeping = false;
      }
    })();
  }, SWEEP_MS);
  sweeper.unref();

  return {
    rp,
    sessions,
    bearer,
    audit,
    devProvider,
    claimNames,
    principalFrom(claims) {
      const identity = identityFromClaims(claimNames(), claims);
      return { principal: policy.current.principal(identity), name: identity.name, email: identity.email, rawGroups: identity.groups };
    },
    close() {
      clearInterval(sweeper);
      return Promise.resolve();
    },
  };
}
