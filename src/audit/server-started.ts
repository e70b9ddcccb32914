// ServerStarted: the configuration a server process runs with, on record for DPOs and auditors
// ("how was the system set up at that time"). Built from an explicit list of non-secret
// settings, never by copying the configuration: the database URL (it may hold a password),
// the OpenID client secret and every key file stay out, and URLs lose any user:password part.
import os from 'node:os';
import type { JsonObject } from '../events/types.js';
import type { Runtime } from '../runtime.js';
import { version } from '../version.js';

export const SERVERS_STREAM = 'servers';
export const SERVER_ACTOR = 'system:server';

export interface IdentityFacts {
  /** `configured`: the company's provider (OIDC_ISSUER); `development`: the built-in one. */
  readonly kind: 'configured' | 'development';
  readonly issuer: string;
}

/** A URL without its user name and password (a proxy or provider URL may carry them). */
function withoutCredentials(url: string): string {
  const u = new URL(url);
  if (u.username === '' && u.password === '') return url;
  u.username = '';
  u.password = '';
  return u.href;
}

export function configurationFacts(runtime: Runtime, identity: IdentityFacts): JsonObject {
  const { config } = runtime;
  const policy = runtime.policy?.current;
  if (!policy) throw new Error('a server runs with an active policy');
  const { limits, retention } = policy.set;
  return {
    version,
    environment: config.env,
    database: runtime.db.kind === 'postgres' ? 'postgres' : 'embedded',
    publicUrl: withoutCredentials(config.publicUrl),
    identityProvider: {
      kind: identity.kind,
      issuer: withoutCredentials(identity.issuer),
      ...(identity.kind === 'configured' && config.oidc.clientId ? { clientId: config.oidc.clientId } : {}),
      ...(config.oidc.groupsClaim ? { groupsClaim: config.oidc.groupsClaim } : {}),
      scopes: config.oidc.scopes,
    },
    policyVersion: policy.version,
    sessions: { idleMinutes: config.sessions.idleMinutes, maxHours: config.sessions.maxHours },
    trustProxy: config.trustProxy,
    tls: config.tls !== undefined,
    checkpoints: { everyEvents: config.checkpoints.everyEvents, intervalSeconds: config.checkpoints.intervalSeconds },
    limits: {
      postLength: limits.postLength,
      commentLength: limits.commentLength,
      messageLength: limits.messageLength,
      attachmentMaxBytes: limits.attachments.maxBytes,
      attachmentTypes: [...limits.attachments.types],
    },
    retention: retention.map((r) => ({
      subject: r.subject,
      keep: r.keep,
      ...(r.space === undefined ? {} : { space: r.space }),
      ...(r.classification === undefined ? {} : { classification: r.classification }),
    })),
    retentionIntervalSeconds: config.retention.intervalSeconds,
    signingCertificateSha256: runtime.signingKey.fingerprint,
    host: os.hostname(),
    pid: process.pid,
  };
}

/** Appends ServerStarted; the server calls it once the parts are up, before it listens. */
export async function recordServerStart(runtime: Runtime, identity: IdentityFacts): Promise<void> {
  await runtime.store.append(SERVERS_STREAM, [{ type: 'ServerStarted', data: configurationFacts(runtime, identity) }], {
    expectedVersion: 'any',
    actor: SERVER_ACTOR,
    policyVersion: runtime.policy?.version,
  });
}
