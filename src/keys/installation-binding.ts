// Ties a database to its installation: the first process to start records the installation
// key's check value and the signing certificate's fingerprint; every later start must present
// the same keys, or it is refused before it can write anything it could not read back.
import type { Knex } from 'knex';
import { InstallationKeyMismatchError, SigningKeyMismatchError } from '../errors.js';
import type { InstallationKey } from './installation-key.js';
import type { SigningKey } from './signing-key.js';

export async function bindInstallation(knex: Knex, key: InstallationKey, signing: SigningKey): Promise<void> {
  await knex.raw('INSERT INTO installation (id, key_check, signing_fingerprint) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING', [key.check, signing.fingerprint]);
  const row = await knex<{ id: number; key_check: string; signing_fingerprint: string }>('installation').where({ id: 1 }).first('key_check', 'signing_fingerprint');
  if (!row) throw new Error('installation row missing after insert');
  if (row.key_check !== key.check) throw new InstallationKeyMismatchError(key.source);
  if (row.signing_fingerprint !== signing.fingerprint) throw new SigningKeyMismatchError(signing.source, row.signing_fingerprint, signing.fingerprint);
}
