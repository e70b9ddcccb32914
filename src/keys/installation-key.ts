// The installation key: 32 random bytes that wrap every per-stream data key. It lives outside
// the database (data folder or a configured file) so a database dump alone reveals no content.
import crypto from 'node:crypto';
import { KeyFileError } from '../errors.js';
import { createExclusive, readIfExists } from './key-files.js';

export interface InstallationKey {
  readonly key: Buffer;
  readonly source: string;
  /** HMAC of a constant: stored in the database to recognize the right key without revealing it. */
  readonly check: string;
}

const CHECK_LABEL = 'flurfunk installation key check v1';

export function loadOrCreateInstallationKey(file: string): InstallationKey {
  const text = readIfExists(file) ?? createExclusive(file, `${crypto.randomBytes(32).toString('base64')}\n`);
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== text.trim()) {
    throw new KeyFileError(file, 'expected 32 bytes in base64 (44 characters) on one line');
  }
  return { key, source: file, check: crypto.createHmac('sha256', key).update(CHECK_LABEL).digest('hex') };
}
