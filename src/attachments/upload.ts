// Uploading a file: streamed from the request through the multipart parser into sealed
// chunks in the database, never held whole in memory. The type is decided by the content
// (magic numbers, then a text check), not by the name or the claimed type; the size and the
// allowed types come from the policy. The chunks are sealed under the attachment stream's
// data key, and the AttachmentUploaded event carries the SHA-256 of the plaintext. A refused
// or broken upload leaves nothing behind.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Busboy, type BusboyFileStream, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import { fileTypeFromBuffer } from 'file-type';
import { ForbiddenError, TooLargeError, UnsupportedTypeError, ValidationError } from '../errors.js';
import { conversationById } from '../messages/conversation-queries.js';
import { asSubject } from '../policy/compile.js';
import { decidingPolicy, readableSpace, reasonFor, requireGuideline, type Caller, type CommandDeps } from '../posts/commands.js';
import { attachmentRow, presentAttachment, type AttachmentView } from './attachment-queries.js';

/** Bytes looked at to decide the type: enough for file-type to see inside Office files. */
const SNIFF_BYTES = 64 * 1024;
/** Room for the multipart framing around the file in a request's Content-Length. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** Plaintext bytes per sealed chunk. */
export const CHUNK_BYTES = 256 * 1024;

export const attachmentStream = (attachmentId: string) => `attachment:${attachmentId}`;
/** Binds a chunk to its attachment and place; the last chunk is marked so truncation shows. */
export const chunkLabel = (attachmentId: string, seq: number, last: boolean) => `attachment ${attachmentId} chunk ${seq}${last ? ' last' : ''}`;

export interface UploadTarget {
  readonly spaceId?: string;
  readonly conversationId?: string;
}

const MARKUP = /^\s*<(?:!doctype\s+html|html|head|body|script|svg|\?xml|iframe|object)/i;

/** The media type of a file from its first bytes; undefined when nothing fits. */
export async function sniffType(sample: Buffer, name: string): Promise<string> {
  const detected = await fileTypeFromBuffer(sample);
  if (detected) return detected.mime;
  if (sample.includes(0)) return 'application/octet-stream';
  let text: string;
  try {
    // stream: a multi-byte character cut at the sample's end is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return 'application/octet-stream';
  }
  // Markup is active content: classify it as what a browser would make of it.
  const head = text.replace(/^\uFEFF/, '').slice(0, 1024);
  if (MARKUP.test(head)) return /<svg/i.test(head) ? 'image/svg+xml' : /^\s*<\?xml/i.test(head) ? 'application/xml' : 'text/html';
  return /\.csv$/i.test(name) ? 'text/csv' : 'text/plain';
}

function cleanName(raw: string | undefined): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  // Control characters have no place in a file name shown to people or sent in a header.
  const name = [...base.replace(/\p{Cc}/gu, '').trim()].slice(0, 200).join('');
  return name === '' || name === '.' || name === '..' ? 'attachment' : name;
}

export async function uploadAttachment(deps: CommandDeps, caller: Caller, target: UploadTarget, req: IncomingMessage): Promise<AttachmentView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const me = caller.principal.id;
  let place: { spaceId?: string; classification?: string; conversationId?: string; participants: string[] };
  if (target.spaceId !== undefined && target.conversationId === undefined) {
    const space = readableSpace(policy, ability, target.spaceId);
    place = { spaceId: space.id, classification: space.classification, participants: [] };
  } else if (target.conversationId !== undefined && target.spaceId === undefined) {
    const conversation = await conversationById(deps.knex, ability, me, target.conversationId);
    place = { conversationId: conversation.id, participants: conversation.participants.map((p) => p.id) };
  } else {
    throw new ValidationError('upload: name exactly one of "spaceId" or "conversationId" in the query');
  }
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) throw new ValidationError('upload: send the file as multipart/form-data in a field named "file"');
  await requireGuideline(deps, policy, me);

  const limits = policy.set.limits.attachments;
  // A declared length far over the limit is refused before a byte is read.
  const declared = Number(req.headers['content-length']);
  if (declared > limits.maxBytes + MULTIPART_OVERHEAD) throw new TooLargeError(`upload: the file is larger than this installation's limit of ${limits.maxBytes} bytes`);
  const attachmentId = crypto.randomUUID();
  const streamId = attachmentStream(attachmentId);
  let stored = 0; // chunks written, for the event
  try {
    const file = await receive(req, limits.maxBytes, async (name, mediaType) => {
      if (!limits.types.includes(mediaType)) throw new UnsupportedTypeError(`upload: the content of "${name}" is ${mediaType}; this installation accepts ${limits.types.join(', ')}`);
      const subject = asSubject('Attachment', { ...place, authorId: me, mediaType });
      if (!ability.can('create', subject as never)) throw new ForbiddenError(reasonFor(ability, 'create', subject, 'You may read here but not attach files.'));
      const seal = await deps.store.sealerFor(streamId);
      return async (chunk, seq, last) => {
        await deps.knex('attachment_chunks').insert({ attachment_id: attachmentId, seq, box: seal(chunk, chunkLabel(attachmentId, seq, last)) });
        stored = seq + 1;
      };
    });
    const result = await deps.store.append(
      streamId,
      [{ type: 'AttachmentUploaded', data: { attachmentId, ...place, authorId: me, mediaType: file.mediaType, size: file.size, sha256: file.sha256, chunks: stored }, personal: { name: file.name } }],
      { expectedVersion: 0, actor: me, correlationId: caller.correlationId, policyVersion: policy.version },
    );
    await deps.projector.waitFor(result.events[0]!.position);
  } catch (err) {
    await deps.knex('attachment_chunks').where({ attachment_id: attachmentId }).delete();
    throw err;
  }
  return presentAttachment((await attachmentRow(deps.knex, attachmentId))!);
}

type ChunkWriter = (chunk: Buffer, seq: number, last: boolean) => Promise<void>;

/**
 * Reads the one file of a multipart request: sniffs its type from the first bytes, asks
 * `accept` for a writer (which may refuse by throwing), and hands it fixed-size chunks.
 */
function receive(req: IncomingMessage, maxBytes: number, accept: (name: string, mediaType: string) => Promise<ChunkWriter>): Promise<{ name: string; mediaType: string; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = Busboy({ headers: req.headers as BusboyHeaders, limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 1, headerPairs: 20 } });
    } catch {
      reject(new ValidationError('upload: the multipart request could not be read (boundary missing?)'));
      return;
    }
    let settled = false;
    let sawFile = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // Stop reading: the rest of the body is discarded, not parsed or stored.
      req.unpipe(parser);
      req.resume();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    parser.on('file', (field, stream, filename) => {
      if (field !== 'file') {
        stream.resume();
        fail(new ValidationError(`upload: unexpected field "${field}"; send the file in a field named "file"`));
        return;
      }
      sawFile = true;
      const name = cleanName(filename);
      consume(stream, name, maxBytes, accept).then((file) => {
        if (settled) return;
        settled = true;
        resolve(file);
      }, fail);
    });
    parser.on('fieldsLimit', () => fail(new ValidationError('upload: send only the field "file"')));
    parser.on('partsLimit', () => fail(new ValidationError('upload: send only the field "file"')));
    parser.on('filesLimit', () => fail(new ValidationError('upload: send one file per request')));
    parser.on('field', (field) => fail(new ValidationError(`upload: unexpected field "${field}"; send only the field "file"`)));
    parser.on('error', () => fail(new ValidationError('upload: the multipart request is malformed')));
    parser.on('finish', () => {
      if (!sawFile) fail(new ValidationError('upload: no file in the field "file"'));
    });
    req.on('aborted', () => fail(new ValidationError('upload: the request was aborted')));
    req.pipe(parser);
  });
}

async function consume(stream: BusboyFileStream, name: string, maxBytes: number, accept: (name: string, mediaType: string) => Promise<ChunkWriter>): Promise<{ name: string; mediaType: string; size: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let seq = 0;
  let writer: ChunkWriter | undefined;
  let mediaType = '';
  const tooLarge = () => new TooLargeError(`upload: "${name}" is larger than this installation's limit of ${maxBytes} bytes`);
  const flush = async (final: boolean) => {
    const all = Buffer.concat(pending, pendingBytes);
    let offset = 0;
    while (all.length - offset >= CHUNK_BYTES && !(final && all.length - offset === CHUNK_BYTES)) {
      await writer!(all.subarray(offset, offset + CHUNK_BYTES), seq++, false);
      offset += CHUNK_BYTES;
    }
    const rest = all.subarray(offset);
    if (final) await writer!(rest, seq++, true);
    pending = final ? [] : [rest];
    pendingBytes = final ? 0 : rest.length;
  };
  try {
    for await (const data of stream) {
      const chunk = data as Buffer;
      if (stream.truncated) throw tooLarge();
      size += chunk.length;
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!writer && pendingBytes >= SNIFF_BYTES) {
        mediaType = await sniffType(Buffer.concat(pending, pendingBytes), name);
        writer = await accept(name, mediaType);
      }
      if (writer && pendingBytes >= CHUNK_BYTES) await flush(false);
    }
  } catch (err) {
    stream.resume();
    throw err;
  }
  if (stream.truncated) throw tooLarge();
  if (size === 0) throw new ValidationError(`upload: "${name}" is empty`);
  if (!writer) {
    mediaType = await sniffType(Buffer.concat(pending, pendingBytes), name);
    writer = await accept(name, mediaType);
  }
  await flush(true);
  return { name, mediaType, size, sha256: hash.digest('hex') };
}
