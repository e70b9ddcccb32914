// Recomputes the whole hash chain from the stored events and checks every signed checkpoint,
// from the database and from the checkpoint file. Streams page by page (keyset on position),
// so memory stays flat however long the chain; stops at the first break and names it.
import type crypto from 'node:crypto';
import type { Knex } from 'knex';
import { eventHash, GENESIS_HASH } from './chain-hash.js';
import { checkpointSignatureHolds, listCheckpoints, readCheckpointFile, type Checkpoint } from './checkpoints.js';
import { EVENT_COLUMNS, fromRow, type EventRow } from './event-rows.js';
import type { ChainHead } from './types.js';
import { certificateFingerprint } from '../keys/signing-key.js';

export interface ChainBreak {
  readonly position: number;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly head: ChainHead;
  readonly checkpoints: { readonly database: number; readonly file: number };
  /** The first event whose hash or link is wrong, if any. */
  readonly chainBreak: ChainBreak | undefined;
  /** Checkpoint problems: bad signatures, unknown keys, unreadable file lines. */
  readonly checkpointProblems: readonly string[];
  readonly elapsedMs: number;
}

export interface VerifyOptions {
  /** Certificates whose checkpoints are trusted: from the data folder or configuration, never from the database. */
  readonly certificates: readonly crypto.X509Certificate[];
  readonly checkpointFile?: string;
  readonly pageSize?: number;
}

interface Located extends Checkpoint {
  readonly where: string;
}

export async function verifyChain(knex: Knex, options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const byFingerprint = new Map(options.certificates.map((c) => [certificateFingerprint(c), c]));
  const problems: string[] = [];

  const fromDb: Located[] = (await listCheckpoints(knex)).map((c, i) => ({ ...c, where: `database checkpoint #${i + 1}` }));
  const file = options.checkpointFile ? readCheckpointFile(options.checkpointFile) : { checkpoints: [], problems: [] };
  problems.push(...file.problems);
  const fromFile: Located[] = file.checkpoints.map((c, i) => ({ ...c, where: `${options.checkpointFile} checkpoint #${i + 1}` }));

  // Only checkpoints with a valid signature may vouch for the chain.
  const trusted = new Map<number, Located[]>();
  for (const c of [...fromDb, ...fromFile]) {
    const cert = byFingerprint.get(c.keyFingerprint);
    if (!cert) problems.push(`${c.where} (position ${c.position}) is signed by an unknown key ${c.keyFingerprint}`);
    else if (!checkpointSignatureHolds(cert, c)) problems.push(`${c.where} (position ${c.position}): signature does not verify`);
    else trusted.set(c.position, [...(trusted.get(c.position) ?? []), c]);
  }

  const pageSize = options.pageSize ?? 5_000;
  const page = (after: number) => knex('events').select(EVENT_COLUMNS).where('position', '>', after).orderBy('position').limit(pageSize) as Promise<EventRow[]>;

  let head: ChainHead = { position: 0, hash: GENESIS_HASH };
  let chainBreak: ChainBreak | undefined;
  let count = 0;
  let rows = await page(0);
  outer: while (rows.length > 0) {
    // Fetch the next page while hashing this one.
    const lastPosition = fromRow(rows[rows.length - 1]!).position;
    const next = rows.length === pageSize ? page(lastPosition) : Promise.resolve([]);
    for (const row of rows) {
      const e = fromRow(row);
      const expected = head.position + 1;
      if (e.position !== expected) {
        chainBreak = { position: expected, reason: `event missing (the next stored event is at position ${e.position})` };
      } else if (e.prevHash !== head.hash) {
        chainBreak = { position: e.position, reason: `its prev_hash does not match the hash of position ${head.position}` };
      } else if (eventHash(e) !== e.hash) {
        chainBreak = { position: e.position, reason: 'its content does not match its hash' };
      } else if (trusted.get(e.position)?.some((c) => c.hash !== e.hash)) {
        chainBreak = { position: e.position, reason: 'its hash differs from a signed checkpoint' };
      }
      if (chainBreak) {
        await next.catch(() => undefined);
        break outer;
      }
      head = { position: e.position, hash: e.hash };
      count++;
    }
    rows = await next;
  }

  if (!chainBreak) {
    const beyond = Math.max(0, ...trusted.keys());
    if (beyond > head.position) {
      chainBreak = { position: head.position + 1, reason: `event missing: the chain ends at position ${head.position}, but a signed checkpoint covers position ${beyond}` };
    }
  }

  return {
    ok: !chainBreak && problems.length === 0,
    events: count,
    head,
    checkpoints: { database: fromDb.length, file: fromFile.length },
    chainBreak,
    checkpointProblems: problems,
    elapsedMs: performance.now() - started,
  };
}
