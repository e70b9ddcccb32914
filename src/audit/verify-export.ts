// `flurfunk audit verify FILE.zip`: everything README.txt asks an auditor to check, done at
// once, naming each thing that fails: the CMS signature over the manifest (checked with
// node:crypto against the certificate in the ZIP), every file's size and SHA-256, every
// event's hash recomputed from its fields, the links between consecutive events, and the
// signed checkpoints in the range. Files are read as streams; only the small ones are kept.
import crypto from 'node:crypto';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import forge from 'node-forge';
import yauzl from 'yauzl';
import { hashOfFields, type HashedFields } from '../events/chain-hash.js';
import { checkpointSignatureHolds, type Checkpoint } from '../events/checkpoints.js';
import { signedDigest, type ManifestFile } from './export.js';

const SMALL = new Set(['manifest.json', 'manifest.json.p7s', 'certificate.pem', 'chain.json']);

export interface VerifyReport {
  readonly ok: boolean;
  readonly events: number;
  readonly problems: readonly string[];
}

interface Entry {
  readonly bytes: number;
  readonly sha256: string;
  readonly content?: Buffer;
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip))));
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/** Hashes every entry; keeps the small ones; hands events.jsonl's lines to `onEvent` as they stream. */
async function readEntries(file: string, onEvent: (line: string, lineNumber: number) => void): Promise<Map<string, Entry>> {
  const zip = await openZip(file);
  const entries = new Map<string, Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const stream = await entryStream(zip, entry);
        const hash = crypto.createHash('sha256');
        let bytes = 0;
        const kept: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
          if (SMALL.has(entry.fileName)) kept.push(chunk);
        });
        if (entry.fileName === 'events.jsonl') {
          let n = 0;
          for await (const line of readline.createInterface({ input: stream, crlfDelay: Infinity })) if (line !== '') onEvent(line, ++n);
        } else {
          await new Promise((done, fail) => stream.on('end', done).on('error', fail));
        }
        entries.set(entry.fileName, { bytes, sha256: hash.digest('hex'), ...(SMALL.has(entry.fileName) ? { content: Buffer.concat(kept) } : {}) });
        zip.readEntry();
      })().catch(reject);
    });
    zip.readEntry();
  });
  return entries;
}

/** Checks the detached CMS signature: the signed attributes' signature and their message digest. */
/** The DER of the certificates a SignedData carries ([0] IMPLICIT certificates). */
function embeddedCertificates(contentInfo: forge.asn1.Asn1): Buffer[] {
  const signedData = ((contentInfo.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const holder = signedData.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && Number(n.type) === 0);
  return ((holder?.value ?? []) as forge.asn1.Asn1[]).map((c) => Buffer.from(forge.asn1.toDer(c).getBytes(), 'binary'));
}

function cmsProblems(signature: Buffer, manifest: Buffer, certificate: crypto.X509Certificate): string[] {
  const problems0: string[] = [];
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(signature.toString('binary')));
    // Strict DER: the bytes must be exactly the encoding of what they say, so no byte of the
    // signature file can change without notice (not even inside the certificate it carries).
    if (Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').equals(signature) === false) return ['manifest.json.p7s: not in DER form (changed?)'];
    const carried = embeddedCertificates(asn1);
    if (carried.length > 0 && !carried.some((der) => der.equals(certificate.raw))) problems0.push('manifest.json.p7s: the certificate it carries differs from certificate.pem');
    const signedData = (asn1.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[];
    const fields = signedData[0]!.value as forge.asn1.Asn1[];
    const signerInfos = fields[fields.length - 1]!.value as forge.asn1.Asn1[];
    const signer = signerInfos[0]!.value as forge.asn1.Asn1[];
    // [0] IMPLICIT signedAttrs: context-specific class, tag number 0.
    const attributes = signer.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && Number(n.type) === 0);
    const encrypted = signer.find((n) => n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.OCTETSTRING);
    if (!attributes || !encrypted) return ['manifest.json.p7s: not a CMS signature with signed attributes'];
    // The signature covers the attributes encoded as a SET (RFC 5652, 5.4).
    const set = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes.value);
    const signedBytes = Buffer.from(forge.asn1.toDer(set).getBytes(), 'binary');
    const problems: string[] = [...problems0];
    if (!crypto.verify('sha256', signedBytes, certificate.publicKey, Buffer.from(encrypted.value as string, 'binary'))) problems.push('manifest.json.p7s: the signature does not verify with certificate.pem');
    if (signedDigest(signature) !== crypto.createHash('sha256').update(manifest).digest('hex')) problems.push('manifest.json: does not match the digest signed in manifest.json.p7s');
    return problems;
  } catch {
    return ['manifest.json.p7s: not a readable CMS signature'];
  }
}

export async function verifyAuditExport(file: string): Promise<VerifyReport> {
  const problems: string[] = [];
  let previous: { position: number; hash: string } | undefined;
  let firstPrevHash: string | undefined;
  const hashes = new Map<number, string>();
  let events = 0;
  const onEvent = (line: string, n: number) => {
    let e: HashedFields & { hash?: unknown };
    try {
      e = JSON.parse(line) as HashedFields & { hash?: unknown };
    } catch {
      problems.push(`events.jsonl line ${n}: not JSON`);
      return;
    }
    events++;
    const { actor, correlationId, data, id, occurredAt, payload, policyVersion, position, prevHash, streamId, streamVersion, type } = e;
    const recomputed = hashOfFields({ actor, correlationId, data, id, occurredAt, payload, policyVersion, position, prevHash, streamId, streamVersion, type });
    if (recomputed !== e.hash) problems.push(`events.jsonl: the event at position ${position} does not match its hash (changed after it was written)`);
    if (previous === undefined) firstPrevHash = prevHash;
    else if (position === previous.position + 1 && prevHash !== previous.hash) problems.push(`events.jsonl: the event at position ${position} does not link to position ${previous.position}`);
    else if (position <= previous.position) problems.push(`events.jsonl: position ${position} comes after ${previous.position}`);
    else if (position !== previous.position + 1) gaps.push([previous.position, position]);
    previous = { position, hash: String(e.hash) };
    hashes.set(position, String(e.hash));
  };
  const gaps: [number, number][] = [];
  let entries: Map<string, Entry>;
  try {
    entries = await readEntries(file, onEvent);
  } catch (err) {
    return { ok: false, events, problems: [`${file}: not a readable ZIP (${(err as Error).message})`] };
  }
  const manifestBytes = entries.get('manifest.json')?.content;
  const signature = entries.get('manifest.json.p7s')?.content;
  const certificatePem = entries.get('certificate.pem')?.content;
  if (!manifestBytes || !signature || !certificatePem) return { ok: false, events, problems: ['the export lacks manifest.json, manifest.json.p7s or certificate.pem'] };
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(certificatePem);
  } catch {
    return { ok: false, events, problems: ['certificate.pem: not a certificate'] };
  }
  problems.unshift(...cmsProblems(signature, manifestBytes, certificate));
  let manifest: { files: ManifestFile[] };
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as { files: ManifestFile[] };
  } catch {
    return { ok: false, events, problems: [...problems, 'manifest.json: not JSON'] };
  }
  for (const listed of manifest.files) {
    const found = entries.get(listed.name);
    if (!found) problems.push(`${listed.name}: listed in the manifest but missing from the ZIP`);
    else if (found.sha256 !== listed.sha256 || found.bytes !== listed.bytes) problems.push(`${listed.name}: its SHA-256 or size does not match manifest.json`);
  }
  for (const name of entries.keys()) if (name !== 'manifest.json' && name !== 'manifest.json.p7s' && !manifest.files.some((f) => f.name === name)) problems.push(`${name}: in the ZIP but not in the manifest`);

  const chain = JSON.parse(entries.get('chain.json')?.content?.toString('utf8') ?? '{}') as { prevHashOfFirst?: string; contiguous?: boolean; firstPosition?: number | null; lastPosition?: number | null; checkpoints?: Checkpoint[] };
  if (firstPrevHash !== undefined && chain.prevHashOfFirst !== firstPrevHash) problems.push('chain.json: prevHashOfFirst does not match the first event');
  if (chain.contiguous) {
    for (const [a, b] of gaps) problems.push(`events.jsonl: ${b - 1 > a + 1 ? `positions ${a + 1}–${b - 1} are` : `position ${a + 1} is`} missing (the export says it is contiguous)`);
  }
  if (chain.lastPosition !== undefined && chain.lastPosition !== null && previous?.position !== chain.lastPosition) problems.push(`events.jsonl: ends at position ${previous?.position ?? 'none'}, chain.json says ${chain.lastPosition}`);
  for (const c of chain.checkpoints ?? []) {
    if (!checkpointSignatureHolds(certificate, c)) problems.push(`chain.json: the checkpoint at position ${c.position} is not signed by certificate.pem`);
    const exported = hashes.get(c.position);
    if (exported !== undefined && exported !== c.hash) problems.push(`events.jsonl: the event at position ${c.position} differs from the signed checkpoint`);
  }
  return { ok: problems.length === 0, events, problems };
}
