// Downloading a file: only for those who may read it and the post or message it belongs to
// (an attachment not yet linked: only its uploader), answered exactly like a missing one
// otherwise. The chunks are opened one batch at a time and checked against the SHA-256 in
// the event, so a damaged or truncated file never passes as whole. Each download is an
// event: who saw which file is on record.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import { toBuffer } from '../db/values.js';
import { messageById } from '../messages/conversation-queries.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import { postById } from '../posts/post-queries.js';
import { attachmentRow, type AttachmentRow } from './attachment-queries.js';
import { attachmentStream, chunkLabel } from './upload.js';
import { isUuid } from '../posts/record.js';

/** Chunks read per query: two 256 KiB boxes, so a slow download holds little memory. */
const BATCH = 2;

export interface Download {
  readonly name: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  /** The plaintext, chunk by chunk; throws at the end if the bytes do not match the checksum. */
  readonly chunks: AsyncIterable<Buffer>;
}

async function readable(knex: Knex, ability: AppAbility, userId: string, row: AttachmentRow): Promise<boolean> {
  const subject = asSubject('Attachment', { spaceId: row.space_id ?? undefined, classification: row.classification ?? undefined, authorId: row.author_id, mediaType: row.media_type, participants: row.participants });
  if (!ability.can('read', subject as never)) return false;
  try {
    if (row.post_id) await postById(knex, ability, userId, row.post_id);
    else if (row.message_id) await messageById(knex, ability, row.message_id);
    else return row.author_id === userId;
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/** Opens a file for its reader; `record: false` (a HEAD request) sends no bytes and appends no event. */
export async function openDownload(deps: CommandDeps, caller: Caller, attachmentId: string, options: { record: boolean } = { record: true }): Promise<Download> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const row = isUuid(attachmentId) ? await attachmentRow(deps.knex, attachmentId) : undefined;
  if (!row || !(await readable(deps.knex, ability, caller.principal.id, row))) throw new NotFoundError();
  const open = await deps.store.openerFor(attachmentStream(row.id), row.author_id);
  if (!open) throw new NotFoundError(); // shredded by retention
  if (options.record) {
    await deps.store.append(attachmentStream(row.id), [{ type: 'AttachmentDownloaded', data: { attachmentId: row.id } }], {
      expectedVersion: 'any',
      actor: caller.principal.id,
      correlationId: caller.correlationId,
      policyVersion: policy.version,
    });
  }
  const knex = deps.knex;
  const file = row;
  const opener = open;
  async function* chunks(): AsyncGenerator<Buffer> {
    const hash = crypto.createHash('sha256');
    for (let from = 0; from < file.chunks; from += BATCH) {
      const boxes: { seq: number; box: unknown }[] = await knex('attachment_chunks').where({ attachment_id: file.id }).andWhere('seq', '>=', from).andWhere('seq', '<', from + BATCH).orderBy('seq').select('seq', 'box');
      for (const [i, { seq, box }] of boxes.entries()) {
        if (seq !== from + i) throw new Error(`attachment ${file.id}: chunk ${from + i} is missing`);
        const plain = opener(toBuffer(box), chunkLabel(file.id, seq, seq === file.chunks - 1));
        hash.update(plain);
        yield plain;
      }
      if (boxes.length === 0) throw new Error(`attachment ${file.id}: chunk ${from} is missing`);
    }
    if (hash.digest('hex') !== file.sha256.trim()) throw new Error(`attachment ${file.id}: content does not match its SHA-256`);
  }
  return { name: row.name, mediaType: row.media_type, size: Number(row.size), sha256: row.sha256.trim(), chunks: chunks() };
}
