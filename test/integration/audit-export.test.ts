// Signed audit exports end to end: `flurfunk audit export` writes a ZIP that OpenSSL and
// `flurfunk audit verify` accept; one flipped byte in any file, or one removed event, is found
// and named; and the chain recomputes from the ZIP alone, by a check that uses none of
// Flurfunk's code (only the RFC 8785 reference package and node:crypto).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZipArchive } from 'archiver';
import canonicalize from 'canonicalize';
import { expect } from 'chai';
import { acceptGuideline, call, person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCli, runCliInProcess } from '../support/processes.js';

/** Unpacks a ZIP with the system's unzip into a fresh folder. */
function unpack(zip: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-unpacked-'));
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

/** Packs a folder's files into a ZIP again (after a test changed one). */
async function pack(dir: string, zip: string): Promise<void> {
  const archive = new ZipArchive();
  const out = fs.createWriteStream(zip);
  archive.pipe(out);
  for (const name of fs.readdirSync(dir)) archive.append(fs.readFileSync(path.join(dir, name)), { name });
  await archive.finalize();
  await new Promise<void>((resolve) => out.on('close', () => resolve()));
}

describe('signed audit export', function () {
  let t: TestServer;
  let out: string;
  let zip: string;
  const NAMES = ['README.txt', 'manifest.json', 'manifest.json.p7s', 'certificate.pem', 'chain.json', 'events.jsonl', 'events.csv', 'audiences.jsonl'];

  before(async function () {
    this.timeout(120_000);
    t = await startFlurfunk();
    const [ada, bernd] = [await person(t, 'ada'), await person(t, 'bernd')];
    await person(t, 'dieter');
    await acceptGuideline(t, ada, bernd);
    await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Sommerfest am Freitag, "Grillgut" bitte mitbringen; Umlaute: äöü' });
    await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Vertraulich: Zielpreis' });
    await call(t, bernd, 'POST', '/api/spaces/sales/posts', { text: 'Messe' });
    await t.stop(); // the embedded database admits one process: the CLI's
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-export-'));
    zip = path.join(out, 'audit.zip');
    const result = await runCli(['audit', 'export', '--as', 'dieter', '--out', zip], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^exported \d+ events \(positions 1–\d+\) to .*audit\.zip/);
  });

  it('writes the ZIP owner-only, with every file and nothing left beside it', function () {
    expect(fs.statSync(zip).mode & 0o777).to.equal(0o600);
    expect(fs.readdirSync(out)).to.deep.equal(['audit.zip']);
    expect(fs.readdirSync(unpack(zip)).sort()).to.deep.equal([...NAMES].sort());
  });

  it('is accepted by openssl cms -verify (self-signed: -noverify, or the certificate as its own CA)', function () {
    const dir = unpack(zip);
    const base = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'manifest.json.p7s'), '-content', path.join(dir, 'manifest.json'), '-out', '/dev/null'];
    execFileSync('openssl', [...base, '-noverify'], { stdio: 'pipe' });
    execFileSync('openssl', [...base, '-CAfile', path.join(dir, 'certificate.pem'), '-purpose', 'any'], { stdio: 'pipe' });
  });

  it('opens content only where the exporter’s policy allows: a public post yes, a confidential one withheld', function () {
    const lines = fs.readFileSync(path.join(unpack(zip), 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { spaceId?: string }; contentState: string; content: { text?: string } | null });
    const posts = lines.filter((l) => l.type === 'PostCreated');
    expect(posts.find((p) => p.data.spaceId === 'all-company')).to.deep.include({ contentState: 'present' });
    expect(posts.find((p) => p.data.spaceId === 'all-company')!.content!.text).to.include('Sommerfest');
    expect(posts.find((p) => p.data.spaceId === 'project-apollo')).to.deep.include({ contentState: 'withheld', content: null });
    const csv = fs.readFileSync(path.join(unpack(zip), 'events.csv'));
    expect(csv.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM for spreadsheets').to.equal(true);
    // RFC 4180: the JSON content is quoted, its quotes doubled.
    expect(csv.toString('utf8')).to.include('"{""text"":""Sommerfest am Freitag, \\""Grillgut\\"" bitte');
  });

  it('is accepted by flurfunk audit verify', async function () {
    const result = await runCli(['audit', 'verify', zip], {});
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^export verified: signature, \d+ events, every file and the chain hold\n$/);
  });

  for (const name of NAMES) {
    it(`names ${name} when one byte of it is flipped`, async function () {
      const dir = unpack(zip);
      const file = path.join(dir, name);
      const bytes = fs.readFileSync(file);
      const at = name === 'events.jsonl' ? bytes.indexOf('"actor"') + 10 : Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      fs.writeFileSync(file, bytes);
      const changed = path.join(dir, '..', `${path.basename(dir)}.zip`);
      await pack(dir, changed);
      const result = await runCliInProcess(['audit', 'verify', changed], {});
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(name);
    });
  }

  it('names the missing position when one event line is removed', async function () {
    const dir = unpack(zip);
    const file = path.join(dir, 'events.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const removed = JSON.parse(lines[2]!) as { position: number };
    lines.splice(2, 1);
    fs.writeFileSync(file, lines.join('\n'));
    const changed = path.join(dir, '..', `${path.basename(dir)}.zip`);
    await pack(dir, changed);
    const result = await runCliInProcess(['audit', 'verify', changed], {});
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include(`position ${removed.position}`);
    expect(result.stderr).to.include('events.jsonl: its SHA-256 or size does not match manifest.json');
  });

  it('recomputes from the ZIP alone, following only the documented canonical form', function () {
    const dir = unpack(zip);
    const chain = JSON.parse(fs.readFileSync(path.join(dir, 'chain.json'), 'utf8')) as { prevHashOfFirst: string; contiguous: boolean };
    const lines = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    let previous = chain.prevHashOfFirst;
    for (const e of lines) {
      const hashed = Object.fromEntries(['actor', 'correlationId', 'data', 'id', 'occurredAt', 'payload', 'policyVersion', 'position', 'prevHash', 'streamId', 'streamVersion', 'type'].map((k) => [k, e[k]]));
      const hash = crypto.createHash('sha256').update(canonicalize(hashed)!, 'utf8').digest('hex');
      expect(hash, `position ${String(e.position)}`).to.equal(e.hash);
      expect(e.prevHash, `link to position ${String(e.position)}`).to.equal(previous);
      previous = hash;
    }
    expect(chain.contiguous).to.equal(true);
    // And the manifest's file hashes, as sha256sum would compute them.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: { name: string; sha256: string; bytes: number }[] };
    for (const f of manifest.files) expect(crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f.name))).digest('hex'), f.name).to.equal(f.sha256);
  });

  it('exports only what the filters name, and such a partial export still verifies', async function () {
    const partial = path.join(out, 'posts-only.zip');
    const result = await runCliInProcess(['audit', 'export', '--as', 'dieter', '--out', partial, '--type', 'PostCreated', '--space', 'all-company'], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    const dir = unpack(partial);
    const lines = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { spaceId?: string } });
    expect(lines.map((l) => [l.type, l.data.spaceId])).to.deep.equal([['PostCreated', 'all-company']]);
    expect((JSON.parse(fs.readFileSync(path.join(dir, 'chain.json'), 'utf8')) as { contiguous: boolean }).contiguous).to.equal(true);
    expect((await runCliInProcess(['audit', 'verify', partial], {})).code).to.equal(0);
    fs.rmSync(partial);
  });

  it('refuses someone the policy does not let export, and leaves no file', async function () {
    const denied = path.join(out, 'denied.zip');
    const result = await runCliInProcess(['audit', 'export', '--as', 'ada', '--out', denied], t.world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('ada may not export the audit trail');
    expect(fs.existsSync(denied)).to.equal(false);
    const usage = await runCliInProcess(['audit', 'export', '--as', 'dieter', '--out', denied, '--from', 'gestern'], t.world.env);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.include('--from must be an ISO 8601 date');
  });

  it('records the export as an event', async function () {
    const runtime = await t.world.start();
    try {
      const exported = await runtime.store.readStream('audit-exports');
      expect(exported.map((e) => [e.type, e.actor, e.data.file])).to.deep.include(['AuditExported', 'dieter', 'audit.zip']);
    } finally {
      await t.world.stop();
    }
  });
});
