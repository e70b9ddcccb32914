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
import type { RecordedEvent } from '../events/types.js';
import type { SigningKey } from '../keys/signing-key.js';
import { asSubject, type AppAbility } from '../policy/compile.js';
import { wherePermitted } from '../policy/sql-filter.js';
import { version } from '../version.js';
import { AUDIT_COLUMNS, whereAuditFilters, type AuditFilters } from './audit-queries.js';
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

const CSV_COLUMNS = ['position', 'occurredAt', 'type', 'actor', 'streamId', 'streamVersion', 'spaceId', 'policyVersion', 'correlationId', 'data', 'contentState', 'content', 'prevHash', 'hash'];

/** May the exporter see this event's personal content? Posts by their export action; the reason of a privileged read by exporting the audit trail. */
function contentAllowed(ability: AppAbility, event: RecordedEvent): boolean {
  const d = event.data;
  // A privileged read's reason is part of the audit record: whoever may export the trail sees why.
  if (event.type === 'PrivilegedContentRead') return ability.can('export', asSubject('AuditLog', { actor: event.actor, spaceId: d.spaceId }) as never);
  if (event.type !== 'PostCreated' && event.type !== 'PostEdited') return false;
  return ability.can('export', asSubject('Post', { spaceId: d.spaceId, classification: d.classification, authorId: d.authorId, mentions: d.mentions, topics: d.topics }) as never);
}

/** A file written through a hash: its SHA-256 and size are known when it closes. */
class HashedFile {
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

export async function writeAuditExport(parts: ExportParts, request: ExportRequest): Promise<ExportSummary> {
  const target = path.resolve(request.out);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new Error(`the folder ${dir} does not exist`);
  const work = fs.mkdtempSync(path.join(dir, '.flurfunk-export-'));
  fs.chmodSync(work, 0o700);
  const partial = path.join(work, 'export.zip');
  try {
    const jsonl = new HashedFile(path.join(work, 'events.jsonl'));
    const csv = new HashedFile(path.join(work, 'events.csv'));
    await csv.write(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    let count = 0;
    let first: RecordedEvent | undefined;
    let last: RecordedEvent | undefined;
    let contiguous = true;
    for (let after = 0; ; ) {
      const joined: Knex.QueryBuilder = parts.knex('events').join('audit_events', 'audit_events.position', 'events.position').select(EVENT_COLUMNS.map((c) => `events.${c}`));
      const query = whereAuditFilters(wherePermitted(joined, request.ability, 'read', 'AuditLog', AUDIT_COLUMNS), request.filters).where('events.position', '>', after);
      const rows = (await query.orderBy('events.position').limit(PAGE)) as EventRow[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const event = fromRow(row);
        if (last && event.position !== last.position + 1) contiguous = false;
        first ??= event;
        last = event;
        count++;
        let state: ContentState = 'none';
        let content: unknown = null;
        if (event.payload !== null) {
          if (!contentAllowed(request.ability, event)) state = 'withheld';
          else {
            const opened = await parts.store.personal(event);
            state = opened.state === 'present' ? 'present' : 'shredded';
            content = opened.state === 'present' ? opened.value : null;
          }
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
        };
        await jsonl.write(`${JSON.stringify(line)}\n`);
        const spaceId = typeof event.data.spaceId === 'string' ? event.data.spaceId : '';
        const fields = [String(event.position), line.occurredAt, event.type, event.actor, event.streamId, String(event.streamVersion), spaceId, event.policyVersion ?? '', event.correlationId ?? '', JSON.stringify(event.data), state, content === null ? '' : JSON.stringify(content), event.prevHash, event.hash];
        await csv.write(`${fields.map(csvField).join(',')}\r\n`);
      }
      after = Number(rows[rows.length - 1]!.position);
    }
    const files = new Map<string, ManifestFile>();
    files.set('events.jsonl', { name: 'events.jsonl', ...(await jsonl.close()) });
    files.set('events.csv', { name: 'events.csv', ...(await csv.close()) });

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
          filters: request.filters,
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
    zip.append(fs.createReadStream(path.join(work, 'events.jsonl')), { name: 'events.jsonl' });
    zip.append(fs.createReadStream(path.join(work, 'events.csv')), { name: 'events.csv' });
    await Promise.race([zip.finalize().then(() => closed), failed]);
    fs.renameSync(partial, target);
    fs.chmodSync(target, 0o600);
    return { file: target, events: count, first: first?.position ?? null, last: last?.position ?? null, manifestSha256: sha256(manifest), bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
