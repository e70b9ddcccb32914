// The installation's signing key (RSA, for checkpoints now and CMS export signatures later)
// and its self-signed X.509 certificate. node:crypto generates the key and signs; node-forge
// only builds the certificate, which node:crypto cannot do.
import crypto from 'node:crypto';
import forge from 'node-forge';
import { KeyFileError } from '../errors.js';
import { createExclusive, readIfExists } from './key-files.js';

export interface SigningKey {
  readonly privateKey: crypto.KeyObject;
  readonly certificatePem: string;
  readonly certificate: crypto.X509Certificate;
  /** SHA-256 of the certificate's DER bytes, lower-case hex (openssl x509 -fingerprint -sha256, without colons). */
  readonly fingerprint: string;
  readonly source: string;
}

export function certificateFingerprint(cert: crypto.X509Certificate): string {
  return cert.fingerprint256.replaceAll(':', '').toLowerCase();
}

function selfSignedCertificate(privateKeyPem: string): string {
  const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.rsa.setPublicKey(privateKey.n, privateKey.e);
  // A positive serial in minimal DER: the first byte 01–7f (a leading 00 byte is "illegal
  // padding" to OpenSSL, which once in 256 starts refused the certificate).
  const serial = crypto.randomBytes(16);
  serial[0] = (serial[0]! % 0x7f) + 1;
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime());
  cert.validity.notAfter.setFullYear(now.getFullYear() + 20);
  const name = [
    { name: 'commonName', value: `Flurfunk installation ${crypto.randomUUID()}` },
    { name: 'organizationName', value: 'Flurfunk' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function loadOrCreateSigningKey(keyFile: string, certFile: string): SigningKey {
  let keyPem = readIfExists(keyFile);
  let certPem = readIfExists(certFile);
  if (keyPem === undefined && certPem === undefined) {
    const generated = crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    keyPem = createExclusive(keyFile, generated);
    // If another process won the race for the key, its certificate may already exist too.
    certPem = readIfExists(certFile) ?? createExclusive(certFile, selfSignedCertificate(keyPem));
  }
  if (keyPem === undefined) throw new KeyFileError(keyFile, `missing, while its certificate ${certFile} exists`);
  if (certPem === undefined) throw new KeyFileError(certFile, `missing, while its private key ${keyFile} exists`);

  let privateKey: crypto.KeyObject;
  let certificate: crypto.X509Certificate;
  try {
    privateKey = crypto.createPrivateKey(keyPem);
  } catch {
    throw new KeyFileError(keyFile, 'not a PEM private key');
  }
  try {
    certificate = new crypto.X509Certificate(certPem);
  } catch {
    throw new KeyFileError(certFile, 'not a PEM X.509 certificate');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new KeyFileError(keyFile, 'expected an RSA key (CMS signatures need RSA)');
  if (!certificate.checkPrivateKey(privateKey)) throw new KeyFileError(certFile, `does not belong to the private key in ${keyFile}`);
  return { privateKey, certificatePem: certPem, certificate, fingerprint: certificateFingerprint(certificate), source: certFile };
}

export function signDetached(key: SigningKey, data: Buffer): string {
  return crypto.sign('sha256', data, key.privateKey).toString('base64');
}

export function verifyDetached(certificate: crypto.X509Certificate, data: Buffer, signature: string): boolean {
  try {
    return crypto.verify('sha256', data, certificate.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
