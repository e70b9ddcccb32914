// Signed audit exports: a ZIP an auditor can check without trusting Flurfunk. Events are read
// from the database in pages and written to two temporary files (JSON lines and CSV) while
// their SHA-256 is computed, so memory stays flat however many events there are; then the
// manifest (files, sizes, hashes, filters, policy, generator) is signed as a detached CMS
// SignedData (node-forge builds the structure; the manifest's digest comes from node:crypto
// and is checked against the one in the signature) and everything is zipped with archiver
// into a file beside the target that becomes the target only when complete (rename), with
// owner-only permissions. An export that fails leaves nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import type { Knex } from 'knex';
import forge from 'node-forge';
import { listCheckpoints } from '../events/checkpoints.js';
import { GENESIS_HASH } from '../events/chain-hash.js';
import type { EventStore } from '../events/event-store.js';
import { EVENT_COLUMNS, fromRow, type EventRow } from '../events/event-rows.js';
import type { JsonObject, RecordedEvent } from '../events/types.js';
import type { SigningKey } from '../keys/signing-key.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { wherePermitted } from '../policy/sql-filter.js';
import { version } from '../version.js';
import { AUDIT_COLUMNS, whereAuditFilters, type AuditFilters } from './audit-queries.js';
import { AudienceHistory, type AudienceRecord, type AudienceRef } from './audience-history.js';
import { ContentSubjects, type ContentSubject } from './content-subjects.js';
import { exportReadme } from './export-readme.js';

const PAGE = 1_000;
/** The object identifiers a CMS signature names (RFC 5652, RFC 5754). */
const OID = { sha256: '2.16.840.1.101.3.4.2.1', contentType: '1.2.840.113549.1.9.3', data: '1.2.840.113549.1.7.1', messageDigest: '1.2.840.113549.1.9.4', signingTime: '1.2.840.113549.1.9.5' } as const;

export interface ExportParts {
  readonly knex: Knex;
  readonly store: EventStore;
  readonly signingKey: SigningKey;
}

export interface ExportRequest {
  readonly filters: AuditFilters;
  /** Who exports (recorded in the manifest and the AuditExported event). */
  readonly by: string;
  readonly ability: AppAbility;
  readonly policyVersion: string | null;
  readonly out: string;
  readonly now: Date;
}

export interface ExportSummary {
  readonly file: string;
  readonly events: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly manifestSha256: string;
  readonly bytes: number;
}

export interface ManifestFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What an exported event's `content` holds: the opened personal content, or why not. */
export type ContentState = 'present' | 'none' | 'shredded' | 'withheld';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const CSV_COLUMNS = ['position', 'occurredAt', 'type', 'actor', 'streamId', 'streamVersion', 'spaceId', 'policyVersion', 'correlationId', 'data', 'contentState', 'content', 'audienceId', 'audienceReaders', 'prevHash', 'hash'];

/** Files made in memory (small); the others are streamed from the work folder. */
const STATIC_FILES = new Set(['README.txt', 'manifest.json', 'manifest.json.p7s', 'certificate.pem', 'chain.json']);

function audienceLine(record: AudienceRecord): JsonObject {
  return { id: record.id, subject: record.subject, policyVersion: record.policyVersion, readers: record.readerList as unknown as JsonObject[], excluded: record.excluded };
}

/** A file written through a hash: its SHA-256 and size are known when it closes. */
export class HashedFile {
  private readonly stream: fs.WriteStream;
  private readonly hash = crypto.createHash('sha256');
  bytes = 0;

  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file, { mode: 0o600 });
  }

  async write(text: string): Promise<void> {
    const chunk = Buffer.from(text, 'utf8');
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<{ bytes: number; sha256: string }> {
    this.stream.end();
    await once(this.stream, 'finish');
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}

function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** A detached CMS SignedData over `content`, DER. */
export function signDetachedCms(key: SigningKey, content: Buffer): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(content.toString('binary'));
  const certificate = forge.pki.certificateFromPem(key.certificatePem);
  p7.addCertificate(certificate);
  const privateKey = forge.pki.privateKeyFromPem(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  p7.addSigner({
    key: privateKey,
    certificate,
    digestAlgorithm: OID.sha256,
    authenticatedAttributes: [{ type: OID.contentType, value: OID.data }, { type: OID.messageDigest }, { type: OID.signingTime }],
  });
  p7.sign({ detached: true });
  const der = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  // The digest signed must be the manifest's SHA-256 as node:crypto computes it.
  const signed = signedDigest(der);
  if (signed !== sha256(content)) throw new Error('the CMS signature does not cover the manifest digest');
  return der;
}

/** The messageDigest attribute of a detached CMS signature (hex), or undefined. */
export function signedDigest(der: Buffer): string | undefined {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const found = findMessageDigest(asn1);
  return found === undefined ? undefined : Buffer.from(found, 'binary').toString('hex');
}

function findMessageDigest(node: forge.asn1.Asn1): string | undefined {
  if (!Array.isArray(node.value)) return undefined;
  const [first, second] = node.value;
  if (first && first.type === forge.asn1.Type.OID && forge.asn1.derToOid(first.value as string) === OID.messageDigest && second && Array.isArray(second.value)) {
    return (second.value[0])?.value as string | undefined;
  }
  for (const child of node.value) {
    const hit = findMessageDigest(child);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** Which events an export holds: pages in position order after `after`, as stored rows. */
export type EventSelection = (after: number, limit: number) => Promise<EventRow[]>;

/** The audit trail as the exporter may read it, narrowed by the filters. */
export function auditTrailSelection(knex: Knex, ability: AppAbility, filters: AuditFilters): EventSelection {
  return async (after, limit) => {
    const joined: Knex.QueryBuilder = knex('events').join('audit_events', 'audit_events.position', 'events.position').select(EVENT_COLUMNS.map((c) => `events.${c}`));
    const query = whereAuditFilters(wherePermitted(joined, ability, 'read', 'AuditLog', AUDIT_COLUMNS), filters).where('events.position', '>', after);
    return (await query.orderBy('events.position').limit(limit)) as EventRow[];
  };
}

export async function writeAuditExport(parts: ExportParts, request: ExportRequest): Promise<ExportSummary> {
  return writeSignedExport(parts, { ...request, selection: auditTrailSelection(parts.knex, request.ability, request.filters), describe: { kind: 'audit-trail', filters: request.filters as JsonObject } });
}

export interface SignedExportRequest extends Omit<ExportRequest, 'filters'> {
  readonly selection: EventSelection;
  /** What the export is (kind, filters or subject): recorded in the manifest. */
  readonly describe: JsonObject;
  /** Further files, written before the manifest lists them all. */
  readonly extraFiles?: readonly { readonly name: string; readonly write: (out: HashedFile) => Promise<void> }[];
  /** Whether an event's sealed content is opened; by default the audit export's rule (`auditOpens`). */
  readonly opens?: ContentRule;
}

/** Decides whether an event's sealed content is opened (`present`/`shredded`) or `withheld`. */
export type ContentRule = (event: RecordedEvent, subject: ContentSubject | undefined) => boolean;

/**
 * The audit export's rule: the exporter's policy allows `export` on the record the content
 * belongs to. A privileged read's reason is part of the audit record: whoever may export the
 * trail sees why.
 */
export function auditOpens(ability: AppAbility): ContentRule {
  return (event, subject) => {
    if (event.type === 'PrivilegedContentRead') return ability.can('export', asSubject('AuditLog', { actor: event.actor, spaceId: event.data.spaceId }) as never);
    return subject !== undefined && ability.can('export', asSubject(subject.type, subject.fields) as never);
  };
}

/** Writes the ZIP: events, their audiences and extra files, the chain, the signed manifest. */
export async function writeSignedExport(parts: ExportParts, request: SignedExportRequest): Promise<ExportSummary> {
  const target = path.resolve(request.out);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new Error(`the folder ${dir} does not exist`);
  const work = fs.mkdtempSync(path.join(dir, '.flurfunk-export-'));
  fs.chmodSync(work, 0o700);
  const partial = path.join(work, 'export.zip');
  try {
    const jsonl = new HashedFile(path.join(work, 'events.jsonl'));
    const csv = new HashedFile(path.join(work, 'events.csv'));
    const audiences = new HashedFile(path.join(work, 'audiences.jsonl'));
    await csv.write(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    const subjects = new ContentSubjects(parts.store);
    const history = await AudienceHistory.load(parts.knex);
    const opens = request.opens ?? auditOpens(request.ability);
    let count = 0;
    let first: RecordedEvent | undefined;
    let last: RecordedEvent | undefined;
    let contiguous = true;
    for (let after = 0; ; ) {
      const rows = await request.selection(after, PAGE);
      if (rows.length === 0) break;
      // A page at a time: one query for the streams' keys, one write per file. Per-event awaits
      // kept each page alive across many turns, and V8 promoted it to the old generation.
      const events = rows.map(fromRow);
      const subjectsOf = await Promise.all(events.map((e) => subjects.of(e)));
      const opened = events.map((e, i) => e.payload !== null && opens(e, subjectsOf[i]));
      const contents = await parts.store.personalOfEach(events.filter((_, i) => opened[i]));
      let next = 0;
      const jsonLines: string[] = [];
      const csvLines: string[] = [];
      const audienceLines: string[] = [];
      for (const [i, event] of events.entries()) {
        if (last && event.position !== last.position + 1) contiguous = false;
        first ??= event;
        last = event;
        count++;
        const subject = subjectsOf[i];
        let audience: AudienceRef | null = null;
        if (subject) {
          const found = history.audienceAt(event, subject.type, subject.fields);
          if (found?.record) audienceLines.push(`${JSON.stringify(audienceLine(found.record))}\n`);
          audience = found?.ref ?? null;
        }
        let state: ContentState = event.payload === null ? 'none' : 'withheld';
        let content: unknown = null;
        if (opened[i]) {
          const personal = contents[next++]!;
          state = personal.state === 'present' ? 'present' : 'shredded';
          content = personal.state === 'present' ? personal.value : null;
        }
        const line = {
          position: event.position,
          id: event.id,
          streamId: event.streamId,
          streamVersion: event.streamVersion,
          type: event.type,
          occurredAt: event.occurredAt.toISOString(),
          actor: event.actor,
          data: event.data,
          payload: event.payload === null ? null : event.payload.toString('base64'),
          policyVersion: event.policyVersion,
          correlationId: event.correlationId,
          prevHash: event.prevHash,
          hash: event.hash,
          contentState: state,
          content,
          audience,
        };
        jsonLines.push(`${JSON.stringify(line)}\n`);
        const spaceId = typeof event.data.spaceId === 'string' ? event.data.spaceId : '';
        const fields = [String(event.position), line.occurredAt, event.type, event.actor, event.streamId, String(event.streamVersion), spaceId, event.policyVersion ?? '', event.correlationId ?? '', JSON.stringify(event.data), state, content === null ? '' : JSON.stringify(content), audience?.id ?? '', audience === null ? '' : String(audience.readers), event.prevHash, event.hash];
        csvLines.push(`${fields.map(csvField).join(',')}\r\n`);
      }
      await jsonl.write(jsonLines.join(''));
      await csv.write(csvLines.join(''));
      if (audienceLines.length > 0) await audiences.write(audienceLines.join(''));
      after = Number(rows[rows.length - 1]!.position);
    }
    const files = new Map<string, ManifestFile>();
    files.set('events.jsonl', { name: 'events.jsonl', ...(await jsonl.close()) });
    files.set('events.csv', { name: 'events.csv', ...(await csv.close()) });
    files.set('audiences.jsonl', { name: 'audiences.jsonl', ...(await audiences.close()) });
    for (const extra of request.extraFiles ?? []) {
      const out = new HashedFile(path.join(work, extra.name));
      await extra.write(out);
      files.set(extra.name, { name: extra.name, ...(await out.close()) });
    }
    const checkpoints = first && last ? (await listCheckpoints(parts.knex)).filter((c) => c.position >= first.position && c.position <= last.position) : [];
    const chain = Buffer.from(
      `${JSON.stringify(
        {
          firstPosition: first?.position ?? null,
          lastPosition: last?.position ?? null,
          prevHashOfFirst: first?.prevHash ?? GENESIS_HASH,
          contiguous,
          checkpoints,
          canonicalForm: 'SHA-256 over RFC 8785 JSON of actor, correlationId, data, id, occurredAt, payload, policyVersion, position, prevHash, streamId, streamVersion, type (see README.txt)',
        },
        null,
        2,
      )}\n`,
    );
    const certificate = Buffer.from(parts.signingKey.certificatePem);
    const readme = Buffer.from(exportReadme(parts.signingKey.fingerprint));
    for (const [name, bytes] of [['chain.json', chain], ['certificate.pem', certificate], ['README.txt', readme]] as const) files.set(name, { name, bytes: bytes.length, sha256: sha256(bytes) });

    const manifest = Buffer.from(
      `${JSON.stringify(
        {
          generator: { name: 'flurfunk', version },
          createdAt: request.now.toISOString(),
          exportedBy: request.by,
          policyVersion: request.policyVersion,
          ...request.describe,
          events: count,
          firstPosition: first?.position ?? null,
          lastPosition: last?.position ?? null,
          certificateSha256: parts.signingKey.fingerprint,
          files: [...files.values()],
        },
        null,
        2,
      )}\n`,
    );
    const signature = signDetachedCms(parts.signingKey, manifest);

    const output = fs.createWriteStream(partial, { mode: 0o600 });
    const zip = new ZipArchive({ zlib: { level: 6 } });
    const closed = once(output, 'close');
    zip.on('warning', (err) => zip.emit('error', err));
    const failed = new Promise<never>((_, reject) => zip.on('error', reject));
    zip.pipe(output);
    zip.append(readme, { name: 'README.txt' });
    zip.append(manifest, { name: 'manifest.json' });
    zip.append(signature, { name: 'manifest.json.p7s' });
    zip.append(certificate, { name: 'certificate.pem' });
    zip.append(chain, { name: 'chain.json' });
    for (const name of files.keys()) {
      if (!STATIC_FILES.has(name)) zip.append(fs.createReadStream(path.join(work, name)), { name });
    }
    await Promise.race([zip.finalize().then(() => closed), failed]);
    fs.renameSync(partial, target);
    fs.chmodSync(target, 0o600);
    return { file: target, events: count, first: first?.position ?? null, last: last?.position ?? null, manifestSha256: sha256(manifest), bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
