// Web UI benchmark: what a person waits for in a real browser (Debian's Chromium through
// playwright-core), each against a raw baseline measured in the same run:
//   - opening the home timeline with an empty cache (20 post cards on screen) against the bare
//     GET /api/timeline the page needs;
//   - a post appearing live in an open timeline against the same event arriving at a bare
//     Server-Sent-Events reader in Node (both watch the same posts);
//   - the size of what a first visit downloads (gzip), against the bare JSON of one page.
// Embedded database (PGlite) in a temporary folder, 300 posts. Prints figures and targets;
// bench/README.md records them.
//
//   npx tsx bench/web-ui.ts          (npm run bench runs it too)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';
import { acceptGuideline, call, person, type Person } from '../test/support/api.js';
import { launchChromium, signInThroughUi, acceptGuidelineIfAsked } from '../test/support/chromium.js';
import { startFlurfunk, type TestServer } from '../test/support/flurfunk-server.js';
import { EventReader } from '../test/support/sse.js';
import { cleanUpWorlds } from '../test/support/world.js';
import { WEB_DIR } from '../src/http/web-ui.js';

const POSTS = 300;
const ROUNDS = 15;
const TARGETS = { coldLoadP50Ms: 1000, liveP50Ms: 1000, firstVisitKiB: 100 } as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function cookieHeader(t: TestServer, who: Person): Promise<string> {
  return who.browser.jar.getCookieString(t.base);
}

function gzipSize(file: string): number {
  return zlib.gzipSync(fs.readFileSync(file)).length;
}

async function main(): Promise<void> {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
  const t = await startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' });
  const browser = await launchChromium();
  try {
    const ada = await person(t, 'ada');
    await acceptGuideline(t, ada);
    for (let i = 0; i < POSTS; i++) {
      const answer = await call(t, ada, 'POST', '/api/spaces/all-company/posts', { text: `Beitrag ${i}: **Neuigkeiten** aus dem Projekt #bench${i % 10} mit einem [Link](https://example.com/${i})` });
      if (answer.status !== 201) throw new Error(`seeding: ${answer.status}`);
    }
    const cookie = await cookieHeader(t, ada);

    // The page in a browser that signed in once; each round a new context with its cookies only.
    const signedIn = await browser.newContext();
    const first = await signedIn.newPage();
    await signInThroughUi(first, t.base, 'ada');
    await acceptGuidelineIfAsked(first);
    const state = await signedIn.storageState();

    const raw: number[] = [];
    const cold: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const startRaw = performance.now();
      const res = await fetch(`${t.base}/api/timeline?limit=20`, { headers: { cookie } });
      await res.json();
      raw.push(performance.now() - startRaw);

      const context = await browser.newContext({ storageState: state });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${t.base}/`);
      await page.locator('article.post').nth(19).waitFor();
      cold.push(performance.now() - start);
      await context.close();
    }

    // Live: the same posts watched by an open timeline and by a bare SSE reader.
    await first.goto(`${t.base}/`);
    await first.locator('article.post').first().waitFor();
    const stream = await fetch(`${t.base}/api/stream`, { headers: { cookie, accept: 'text/event-stream' } });
    const reader = new EventReader(stream);
    const live: number[] = [];
    const sse: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const text = `Live ${round} ${Date.now()}`;
      const shown = first.getByText(text);
      const start = performance.now();
      const posting = call(t, ada, 'POST', '/api/spaces/all-company/posts', { text });
      const seen = (async () => {
        for (;;) {
          const [event] = await reader.next(1, 10_000);
          if (event!.event === 'post' && event!.data.text === text) return performance.now() - start;
        }
      })();
      await shown.waitFor();
      live.push(performance.now() - start);
      sse.push(await seen);
      await posting;
    }
    stream.body?.cancel().catch(() => undefined);

    // What a first visit downloads: the page, its entry script and stylesheet.
    const index = fs.readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
    const entry = [...index.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => path.join(WEB_DIR, m[1]!));
    const firstVisit = gzipSize(path.join(WEB_DIR, 'index.html')) + entry.reduce((sum, f) => sum + gzipSize(f), 0);
    const lazy = fs.readdirSync(path.join(WEB_DIR, 'assets')).filter((f) => f.endsWith('.js') && !entry.some((e) => e.endsWith(f)));
    const timelineJson = Buffer.byteLength(JSON.stringify(await (await fetch(`${t.base}/api/timeline?limit=20`, { headers: { cookie } })).json()));

    const rows = [
      ['home timeline, empty cache, 20 posts on screen', ms(median(cold)), ms(p90(cold)), ms(median(raw)), (median(cold) / median(raw)).toFixed(1), `p50 < ${TARGETS.coldLoadP50Ms} ms`, median(cold) < TARGETS.coldLoadP50Ms],
      ['a new post shown live in an open timeline', ms(median(live)), ms(p90(live)), ms(median(sse)), (median(live) / median(sse)).toFixed(2), `p50 < ${TARGETS.liveP50Ms} ms`, median(live) < TARGETS.liveP50Ms],
    ] as const;
    console.log(`\nweb UI benchmark (PGlite, ${POSTS} posts, ${ROUNDS} rounds each, Chromium headless)\n`);
    console.log('| what | p50 | p90 | raw baseline p50 | ratio | target | met |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.slice(0, 6).join(' | ')} | ${r[6] ? 'yes' : 'NO'} |`);
    console.log(`\nfirst visit downloads ${(firstVisit / 1024).toFixed(1)} KiB gzip (index.html + ${entry.map((e) => path.basename(e)).join(' + ')}); target < ${TARGETS.firstVisitKiB} KiB: ${firstVisit / 1024 < TARGETS.firstVisitKiB ? 'met' : 'MISSED'}`);
    console.log(`one timeline page of JSON is ${(timelineJson / 1024).toFixed(1)} KiB uncompressed; ${lazy.length} chunks load on demand (DPO, admin …)`);
  } finally {
    await browser.close();
    await t.stop();
    await cleanUpWorlds();
  }
}

await main();
