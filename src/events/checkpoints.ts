// Signed checkpoints: statements "the chain's head at position P had hash H", signed with the
// installation's signing key, which lives outside the database. Someone who can rewrite the
// database can recompute every hash, but cannot sign; each checkpoint therefore pins the
// history up to its position. Each is stored in the database and appended to a file an
// operator can ship to write-once storage.
import fs from 'node:fs';
import path from 'node:path';
import type crypto from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Knex } from 'knex';
import { toDate, toSafeInteger } from '../db/values.js';
import type { Logger } from '../log/logger.js';
import { signDetached, verifyDetached, type SigningKey } from '../keys/signing-key.js';
import type { ChainHead } from './types.js';

export interface Checkpoint {
  readonly position: number;
  readonly hash: string;
  /** ISO 8601, milliseconds, UTC. */
  readonly signedAt: string;
  readonly keyFingerprint: string;
  /** Base64 RSA PKCS#1 v1.5 SHA-256 signature over `checkpointStatement`. */
  readonly signature: string;
}

/** The exact bytes that are signed: RFC 8785 JSON of every field but the signature. */
export function checkpointStatement(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(canonicalize({ hash: c.hash, keyFingerprint: c.keyFingerprint, position: c.position, signedAt: c.signedAt })!, 'utf8');
}

export function signCheckpoint(key: SigningKey, head: ChainHead, signedAt: Date): Checkpoint {
  const unsigned = { position: head.position, hash: head.hash, signedAt: signedAt.toISOString(), keyFingerprint: key.fingerprint };
  return { ...unsigned, signature: signDetached(key, checkpointStatement(unsigned)) };
}

export function checkpointSignatureHolds(certificate: crypto.X509Certificate, c: Checkpoint): boolean {
  return verifyDetached(certificate, checkpointStatement(c), c.signature);
}

export async function listCheckpoints(knex: Knex): Promise<Checkpoint[]> {
  const rows = await knex<{ id: unknown; position: unknown; hash: string; signed_at: unknown; key_fingerprint: string; signature: string }>('checkpoints')
    .orderBy('id')
    .select('position', 'hash', 'signed_at', 'key_fingerprint', 'signature');
  return rows.map((r) => ({
    position: toSafeInteger(r.position),
    hash: r.hash,
    signedAt: toDate(r.signed_at).toISOString(),
    keyFingerprint: r.key_fingerprint,
    signature: r.signature,
  }));
}

/** Reads the checkpoint file; a line that is not a checkpoint is reported with its number. */
export function readCheckpointFile(file: string): { checkpoints: Checkpoint[]; problems: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], problems: [] };
    throw err;
  }
  const checkpoints: Checkpoint[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const c = JSON.parse(line) as Checkpoint;
      if (!Number.isSafeInteger(c.position) || typeof c.hash !== 'string' || typeof c.signedAt !== 'string' || typeof c.keyFingerprint !== 'string' || typeof c.signature !== 'string') throw new Error('missing fields');
      checkpoints.push(c);
    } catch {
      problems.push(`${file} line ${i + 1}: not a checkpoint`);
    }
  });
  return { checkpoints, problems };
}

export interface CheckpointerOptions {
  readonly knex: Knex;
  readonly signingKey: SigningKey;
  readonly file: string;
  readonly everyEvents: number;
  readonly intervalSeconds: number;
  readonly clock: () => Date;
  readonly logger: Logger;
}

/** Writes a checkpoint every N events, or every T seconds while the head moves. */
export class Checkpointer {
  private head: ChainHead | undefined;
  /** Position of the newest checkpoint written or queued; decides when the next is due. */
  private lastQueued = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: CheckpointerOptions) {}

  async start(): Promise<void> {
    const row = (await this.options.knex('checkpoints').max('position as position').first()) as { position: unknown } | undefined;
    this.lastQueued = row?.position == null ? 0 : toSafeInteger(row.position);
    this.timer = setInterval(() => void this.flush(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  observe(head: ChainHead): void {
    if (!this.head || head.position > this.head.position) this.head = head;
    if (head.position - this.lastQueued >= this.options.everyEvents) void this.flush();
  }

  /** Signs the newest head this process has committed, unless it is signed already. */
  flush(): Promise<void> {
    const head = this.head;
    if (!head || head.position <= this.lastQueued) return this.writing;
    this.lastQueued = head.position;
    this.writing = this.writing.then(async () => {
      try {
        await this.write(signCheckpoint(this.options.signingKey, head, this.options.clock()));
      } catch (err) {
        this.options.logger.error({ err, position: head.position }, 'writing a checkpoint failed');
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(c: Checkpoint): Promise<void> {
    await this.options.knex('checkpoints').insert({ position: c.position, hash: c.hash, signed_at: c.signedAt, key_fingerprint: c.keyFingerprint, signature: c.signature });
    await fs.promises.mkdir(path.dirname(this.options.file), { recursive: true, mode: 0o700 });
    const handle = await fs.promises.open(this.options.file, 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify(c)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.options.logger.debug({ position: c.position }, 'checkpoint signed');
  }
}
