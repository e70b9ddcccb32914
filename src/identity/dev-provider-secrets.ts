// The development provider's own secrets: its token signing key (a private JWK), the key that
// signs its cookies, and the client secret of Flurfunk's web client. Made once per data folder
// and kept there (owner-only), so that sessions and tokens survive a restart.
import crypto from 'node:crypto';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { KeyFileError } from '../errors.js';
import { createExclusive, readIfExists } from '../keys/key-files.js';

export interface DevProviderSecrets {
  readonly signingKey: JWK;
  readonly cookieKey: string;
  readonly webClientSecret: string;
}

export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevProviderSecrets> {
  const file = path.join(dataDir, 'dev-identity', 'secrets.json');
  let text = readIfExists(file);
  if (text === undefined) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const signingKey = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
    const fresh: DevProviderSecrets = { signingKey, cookieKey: crypto.randomBytes(32).toString('base64url'), webClientSecret: crypto.randomBytes(32).toString('base64url') };
    text = createExclusive(file, `${JSON.stringify(fresh, null, 2)}\n`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<DevProviderSecrets>;
    if (typeof parsed.signingKey?.d !== 'string' || typeof parsed.cookieKey !== 'string' || typeof parsed.webClientSecret !== 'string') throw new Error('missing fields');
    return parsed as DevProviderSecrets;
  } catch {
    throw new KeyFileError(file, 'is not the development provider secrets file Flurfunk wrote; delete it to make a new one (signs everyone out of the development provider)');
  }
}
