// Recomputes the whole hash chain from the stored events and checks every signed checkpoint,
// from the database and from the checkpoint file. Streams page by page, so memory stays flat
// however long the chain; stops at the first break and names it.
import type crypto from 'node:crypto';
import type { Knex } from 'knex';
import { GENESIS_HASH, hashOfFields, type HashedFields } from './chain-hash.js';
import { checkpointSignatureHolds, listCheckpoints, readCheckpointFile, type Checkpoint } from './checkpoints.js';
import type { ChainHead } from './types.js';
import { certificateFingerprint } from '../keys/signing-key.js';
import { rawRows } from '../db/values.js';
import { firstPositionAfter } from './event-rows.js';

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
  let head: ChainHead = { position: 0, hash: GENESIS_HASH };
  let chainBreak: ChainBreak | undefined;
  let count = 0;
  let from = 0;
  let rows = await page(knex, from, pageSize);
  outer: for (;;) {
    if (rows.length === 0) {
      // An empty range is the end of the chain, or a hole larger than a page.
      const next = await firstPositionAfter(knex, from);
      if (next === undefined) break;
      chainBreak = { position: head.position + 1, reason: `event missing (the next stored event is at position ${next})` };
      break;
    }
    // Fetch the next range while hashing this one.
    from += pageSize;
    const next = page(knex, from, pageSize);
    for (const { fields: e, hash } of rows) {
      const expected = head.position + 1;
      if (e.position !== expected) {
        chainBreak = { position: expected, reason: `event missing (the next stored event is at position ${e.position})` };
      } else if (e.prevHash !== head.hash) {
        chainBreak = { position: e.position, reason: `its prev_hash does not match the hash of position ${head.position}` };
      } else if (hashOfFields(e) !== hash) {
        chainBreak = { position: e.position, reason: 'its content does not match its hash' };
      } else if (trusted.get(e.position)?.some((c) => c.hash !== hash)) {
        chainBreak = { position: e.position, reason: 'its hash differs from a signed checkpoint' };
      }
      if (chainBreak) {
        await next.catch(() => undefined);
        break outer;
      }
      head = { position: e.position, hash };
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

// Pages are ranges of positions rather than "the next N after X": positions are gap-free, and
// a bounded range on the primary key is planned as an index scan even on a table that was
// never analyzed (PGlite never runs autovacuum), where "ORDER BY position LIMIT N" was
// planned as a full scan and sort. The database renders each event's hashed fields in their
// hashed form as one JSON text: one field per row for the driver to decode instead of twelve.
interface StoredEvent {
  readonly fields: HashedFields;
  readonly hash: string;
}

async function page(knex: Knex, after: number, size: number): Promise<StoredEvent[]> {
  const rows = await rawRows<{ e: string }>(
    knex,
    `SELECT json_build_object(
       'actor', actor, 'correlationId', correlation_id, 'data', data, 'id', id,
       'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       'payload', translate(encode(payload, 'base64'), E'\\n', ''), 'policyVersion', policy_version,
       'position', position, 'prevHash', prev_hash, 'streamId', stream_id, 'streamVersion', stream_version,
       'type', type, 'hash', hash)::text AS e
     FROM events WHERE position > ? AND position <= ? ORDER BY position`,
    [after, after + size],
  );
  return rows.map((r) => {
    const { hash, ...fields } = JSON.parse(r.e) as HashedFields & { hash: string };
    return { fields, hash };
  });
}
