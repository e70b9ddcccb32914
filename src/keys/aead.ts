// AES-256-GCM sealing with node:crypto. Layout of a sealed box: version byte 0x01, 12-byte IV,
// ciphertext, 16-byte tag. The associated data binds a box to its place (a stream, an event)
// so a box copied elsewhere fails to open.
import crypto from 'node:crypto';

const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plaintext: Buffer, associatedData: string): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]);
}

/** Opens a sealed box; throws when the key, the associated data or the bytes are wrong. */
export function open(key: Buffer, box: Buffer, associatedData: string): Buffer {
  if (box.length < 1 + IV_BYTES + TAG_BYTES || box[0] !== VERSION) throw new Error('not a sealed box of a known version');
  const iv = box.subarray(1, 1 + IV_BYTES);
  const tag = box.subarray(box.length - TAG_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(box.subarray(1 + IV_BYTES, box.length - TAG_BYTES)), decipher.final()]);
}
