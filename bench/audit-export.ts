// The audit export of 1,000,000 events: throughput (events/s, MB/s of ZIP) and the process's
// peak memory (target: under 300 MB), against a raw baseline of the same run: reading the same
// events page by page and writing them as JSON lines, without opening, CSV, signing or
// zipping. Each runs in a fresh process (tsx, like the seeding) so its peak resident memory is
// its own. On a scratch PostgreSQL database.
//   npx tsx bench/audit-export.ts                  # 1,000,000 events
//   BENCH_EVENTS=100000 npx tsx bench/audit-export.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { writeAuditExport } from '../src/audit/export.js';
import { loadConfig } from '../src/config/config.js';
import { EVENT_COLUMNS } from '../src/events/event-rows.js';
import { recordSignIn } from '../src/identity/user-directory.js';
import { createLogger } from '../src/log/logger.js';
import { startRuntime } from '../src/runtime.js';
import { withScratchDatabase } from './postgres-admin.js';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = 1_000;
const TARGET_MB = 300;
const USERS = 1_000;
const DEPARTMENTS = ['GG-Vertrieb', 'GG-Apollo', 'GG-Geschaeftsleitung', 'GG-Datenschutz', 'GG-IT-Admins'];
/** A directory change invalidates the cached audiences: one every so many events. */
const GROUP_CHANGE_EVERY = 10_000;

/** Runs one measured task in a process of its own, so its peak memory is its own (not the seeding's). */
async function inChild(task: 'raw' | 'export', databaseUrl: string, dataDir: string): Promise<{ seconds: number; bytes: number; events: number; maxRssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', task, databaseUrl, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`the ${task} child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; bytes: number; events: number; maxRssMb: number };
}

/** The child's side: one task, then its time, output size and peak resident memory as JSON. */
async function child(task: string, databaseUrl: string, dataDir: string): Promise<void> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, FLURFUNK_DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'error', POLICY_DIR: path.resolve('policies') });
  const runtime = await startRuntime(config, createLogger('error'), { migrate: false, policy: { watch: false } });
  try {
    const started = performance.now();
    let bytes = 0;
    let events = 0;
    if (task === 'raw') {
      const file = path.join(dataDir, 'raw.jsonl');
      const out = fs.createWriteStream(file);
      let after = 0;
      for (;;) {
        const rows = (await runtime.db.knex('events').select(EVENT_COLUMNS).where('position', '>', after).orderBy('position').limit(BATCH)) as Record<string, unknown>[];
        if (rows.length === 0) break;
        for (const row of rows) if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
        events += rows.length;
        after = Number(rows[rows.length - 1]!.position);
      }
      out.end();
      await once(out, 'finish');
      bytes = fs.statSync(file).size;
      fs.rmSync(file);
    } else {
      const policy = runtime.policy!.current;
      const ability = policy.abilityFor(policy.principal({ id: 'dpo-bench', groups: ['GG-Alle', 'GG-Datenschutz'] }));
      const summary = await writeAuditExport({ knex: runtime.db.knex, store: runtime.store, signingKey: runtime.signingKey }, { filters: {}, by: 'dpo-bench', ability, policyVersion: policy.version, out: path.join(dataDir, 'export.zip'), now: new Date() });
      bytes = summary.bytes;
      events = summary.events;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ seconds, bytes, events, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  } finally {
    await runtime.close();
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  process.exit(0);
}

const outcome = await withScratchDatabase(ADMIN_URL, 'flurfunk_export_bench', async (databaseUrl) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-export-bench-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, FLURFUNK_DATA_DIR: work, NODE_ENV: 'production', LOG_LEVEL: 'error', POLICY_DIR: path.resolve('policies') });
  // The seed writes synthetic post events (ten to a stream, made-up ids) straight to the store,
  // which the audit event catalogue would refuse; the export under test does not care.
  const runtime = await startRuntime(config, createLogger('error'), { migrate: true, policy: { watch: false }, eventCatalogue: 'off' });
  try {
    console.log(`Seeding ${EVENTS.toLocaleString('en')} events (${USERS} sign-ins, then posts with sealed text in streams of 10, a group change every ${GROUP_CHANGE_EVERY.toLocaleString('en')} events)`);
    const seedStarted = performance.now();
    // A directory for the audiences: people in a few departments, as sign-ins record them.
    const groupsOf = (i: number, round: number) => ['GG-Alle', DEPARTMENTS[(i + round) % DEPARTMENTS.length]!];
    for (let i = 0; i < USERS; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, USERS - i) }, (_, k) => recordSignIn(runtime.store, { userId: `user-${i + k}`, name: `Person ${i + k}`, email: undefined, groups: groupsOf(i + k, 0), session: 'bench' }, { actor: `user-${i + k}` })));
    }
    const text = 'Wochenbericht: Meilenstein erreicht, Budget im Plan, nächste Schritte mit dem Vertrieb abstimmen. '.repeat(2);
    for (let done = 0; done < EVENTS; done += BATCH) {
      const n = Math.min(BATCH, EVENTS - done);
      await Promise.all(
        Array.from({ length: n / 10 }, (_, s) =>
          runtime.store.append(
            `post:bench-${done + s * 10}`,
            Array.from({ length: 10 }, (_, i) => ({ type: 'PostCreated', data: { postId: `bench-${done + s * 10 + i}`, spaceId: 'all-company', classification: 'internal', authorId: `user-${i}`, mentions: [], topics: [] }, personal: { text } })),
            { expectedVersion: 'any', actor: `user-${s % 97}` },
          ),
        ),
      );
      if ((done / BATCH) % 100 === 0) process.stdout.write(`  ${done.toLocaleString('en')}\r`);
      if (done > 0 && done % GROUP_CHANGE_EVERY === 0) {
        const who = (done / GROUP_CHANGE_EVERY) % USERS;
        await recordSignIn(runtime.store, { userId: `user-${who}`, name: `Person ${who}`, email: undefined, groups: groupsOf(who, done / GROUP_CHANGE_EVERY), session: 'bench' }, { actor: `user-${who}` });
      }
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`  seeded in ${seedSeconds.toFixed(1)} s`);
    await runtime.db.knex.raw('VACUUM ANALYZE events');
    await runtime.close();
    const raw = await inChild('raw', databaseUrl, work);
    const exported = await inChild('export', databaseUrl, work);
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const lines = [
      `raw baseline (read pages, write JSON lines): ${raw.events.toLocaleString('en')} events in ${raw.seconds.toFixed(1)} s = ${Math.round(raw.events / raw.seconds).toLocaleString('en')} events/s, ${(mb(raw.bytes) / raw.seconds).toFixed(1)} MB/s of output, peak RSS ${raw.maxRssMb.toFixed(0)} MB`,
      `audit export (open, audiences, CSV, sign, zip): ${exported.events.toLocaleString('en')} events in ${exported.seconds.toFixed(1)} s = ${Math.round(exported.events / exported.seconds).toLocaleString('en')} events/s, ${(mb(exported.bytes) / exported.seconds).toFixed(1)} MB/s of ZIP (${mb(exported.bytes).toFixed(0)} MB), peak RSS ${exported.maxRssMb.toFixed(0)} MB`,
      `ratio export / raw time: ${(exported.seconds / raw.seconds).toFixed(2)}; target peak RSS < ${TARGET_MB} MB: ${exported.maxRssMb < TARGET_MB ? 'met' : 'MISSED'}`,
    ];
    for (const line of lines) console.log(line);
    return { ran: true };
  } finally {
    await runtime.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
if ('reason' in outcome) {
  console.error(outcome.reason);
  process.exitCode = 1;
}
