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
import { ReadModelLagError, TooLargeError, UnsupportedTypeError, ValidationError } from '../errors.js';
import { conversationById } from '../messages/conversation-queries.js';
import { asSubject } from '../policy/compile.js';
import { decidingPolicy, readableSpace, requireGuideline, type Caller, type CommandDeps } from '../posts/commands.js';
import { presentAttachment, type AttachmentView } from './attachment-queries.js';
import { refusal } from '../policy/refusal.js';

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

export interface Sniffed {
  readonly mediaType: string;
  /** The file name extensions that fit the content, the usual one first. */
  readonly extensions: readonly string[];
}

const TEXT_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'text/plain': ['txt', 'text', 'log', 'md'],
  'text/csv': ['csv'],
  'text/html': ['html'],
  'image/svg+xml': ['svg'],
  'application/xml': ['xml'],
  'application/octet-stream': ['bin'],
};
const JPEG = ['jpg', 'jpeg'];

/** The media type of a file from its first bytes, and the extensions that fit it. */
export async function sniffType(sample: Buffer, name: string): Promise<Sniffed> {
  const detected = await fileTypeFromBuffer(sample);
  if (detected) return { mediaType: detected.mime, extensions: detected.ext === 'jpg' ? JPEG : [detected.ext] };
  const typed = (mediaType: string): Sniffed => ({ mediaType, extensions: TEXT_EXTENSIONS[mediaType]! });
  if (sample.includes(0)) return typed('application/octet-stream');
  let text: string;
  try {
    // stream: a multi-byte character cut at the sample's end is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return typed('application/octet-stream');
  }
  // Markup is active content: classify it as what a browser would make of it.
  const head = text.replace(/^\uFEFF/, '').slice(0, 1024);
  if (MARKUP.test(head)) return typed(/<svg/i.test(head) ? 'image/svg+xml' : /^\s*<\?xml/i.test(head) ? 'application/xml' : 'text/html');
  return typed(/\.csv$/i.test(name) ? 'text/csv' : 'text/plain');
}

/**
 * The name a file is saved under: no control or invisible formatting characters (a
 * right-to-left override makes "rechnung\u202Etxt.bat" look like "rechnungtab.txt"), and an
 * extension that fits its content, appended when the given one does not ("liste.bat" holding
 * text is saved as "liste.bat.txt"), because the desktop opens a download by its extension.
 */
export function savedName(raw: string | undefined, extensions: readonly string[]): string {
  const base = (raw ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = [...base.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '').trim()].slice(0, 200).join('');
  if (name === '' || name === '.' || name === '..') name = 'attachment';
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension !== undefined && extensions.includes(extension) ? name : `${name}.${extensions[0]}`;
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
  let appended = false;
  let file: { name: string; mediaType: string; size: number; sha256: string };
  try {
    file = await receive(req, limits.maxBytes, async (given, mediaType) => {
      if (!limits.types.includes(mediaType)) throw new UnsupportedTypeError(`upload: the content of "${given}" is ${mediaType}; this installation accepts ${limits.types.join(', ')}`);
      const subject = asSubject('Attachment', { ...place, authorId: me, mediaType });
      if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, 'You may read here but not attach files.', place.conversationId ?? place.spaceId);
      const seal = await deps.store.sealerFor(streamId, me);
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
    appended = true;
    // Stored for good: if the read models lag, the file is still there, and its id is known.
    await deps.projector.waitFor(result.events[0]!.position).catch((err: unknown) => {
      if (!(err instanceof ReadModelLagError)) throw err;
    });
  } catch (err) {
    if (!appended) await deps.knex('attachment_chunks').where({ attachment_id: attachmentId }).delete();
    throw err;
  }
  return presentAttachment({ id: attachmentId, name: file.name, media_type: file.mediaType, size: file.size, sha256: file.sha256 });
}

type ChunkWriter = (chunk: Buffer, seq: number, last: boolean) => Promise<void>;

/**
 * Reads the one file of a multipart request: sniffs its type from the first bytes, asks
 * `accept` (with the name as given, for messages) for a writer, which it may refuse by
 * throwing, and hands the writer fixed-size chunks.
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
    let fileStream: BusboyFileStream | undefined;
    let consuming: Promise<unknown> | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // Stop reading: the rest of the body is discarded, not parsed or stored.
      req.unpipe(parser);
      req.resume();
      fileStream?.destroy();
      // Answer only once the file's reader has stopped, so no chunk lands after the clean-up.
      void (consuming ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => reject(err instanceof Error ? err : new Error(String(err))));
    };
    parser.on('file', (field, stream, filename) => {
      if (field !== 'file') {
        stream.resume();
        fail(new ValidationError(`upload: unexpected field "${field}"; send the file in a field named "file"`));
        return;
      }
      sawFile = true;
      fileStream = stream;
      // A refused request stops its writer before the caller removes what was written.
      const guarded = async (given: string, mediaType: string): Promise<ChunkWriter> => {
        const write = await accept(given, mediaType);
        return async (chunk, seq, last) => {
          if (settled) throw new ValidationError('upload: the request was refused');
          await write(chunk, seq, last);
        };
      };
      const reading = consume(stream, filename, maxBytes, guarded);
      consuming = reading;
      reading.then((file) => {
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

async function consume(stream: BusboyFileStream, filename: string | undefined, maxBytes: number, accept: (name: string, mediaType: string) => Promise<ChunkWriter>): Promise<{ name: string; mediaType: string; size: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  let seq = 0;
  let writer: ChunkWriter | undefined;
  let mediaType = '';
  let name = savedName(filename, ['bin']);
  const tooLarge = () => new TooLargeError(`upload: "${name}" is larger than this installation's limit of ${maxBytes} bytes`);
  const decide = async () => {
    const sniffed = await sniffType(Buffer.concat(pending, pendingBytes), filename ?? '');
    mediaType = sniffed.mediaType;
    name = savedName(filename, sniffed.extensions);
    writer = await accept(filename ?? name, mediaType);
  };
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
      if (!writer && pendingBytes >= SNIFF_BYTES) await decide();
      if (writer && pendingBytes >= CHUNK_BYTES) await flush(false);
    }
  } catch (err) {
    stream.resume();
    throw err;
  }
  if (stream.truncated) throw tooLarge();
  if (size === 0) throw new ValidationError(`upload: "${name}" is empty`);
  if (!writer) await decide();
  await flush(true);
  return { name, mediaType, size, sha256: hash.digest('hex') };
}
