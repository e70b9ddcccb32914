// Web UI benchmark: what a person waits for in a real browser (Debian's Chromium through
// playwright-core), each against a raw baseline measured in the same run:
//   - opening the home timeline with an empty cache (20 post cards on screen) against a
//     minimal hand-written page that fetches the same timeline and shows it, in the same browser
//     (and the bare GET /api/timeline from Node, for scale);
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

    // The least a browser can do with the same data: a hand-written page (served by this bench
    // on the same origin, so with the same cookie) that fetches the timeline and puts each
    // post's server-rendered HTML into an <article>. Measured like the UI, from a new context.
    const BASELINE_JS = `fetch('/api/timeline?limit=20').then((r) => r.json()).then((page) => {
      for (const post of page.items) { const a = document.createElement('article'); a.className = 'post'; a.innerHTML = post.html; document.body.append(a); }
    });`;
    const withBaseline = async (context: import('playwright-core').BrowserContext) => {
      await context.route(`${t.base}/bench-baseline.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>baseline</title><script src="/bench-baseline.js" defer></script></head><body></body></html>' }));
      await context.route(`${t.base}/bench-baseline.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: BASELINE_JS }));
    };

    const raw: number[] = [];
    const cold: number[] = [];
    const minimal: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const bare = await browser.newContext({ storageState: state });
      await withBaseline(bare);
      const barePage = await bare.newPage();
      const startBare = performance.now();
      await barePage.goto(`${t.base}/bench-baseline.html`);
      await barePage.locator('article.post').nth(19).waitFor();
      minimal.push(performance.now() - startBare);
      await bare.close();

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

    // Where a cold load's time goes: the page's own resource timings of one more load.
    const probe = await browser.newContext({ storageState: state });
    const probePage = await probe.newPage();
    const probeStart = performance.now();
    await probePage.goto(`${t.base}/`);
    await probePage.locator('article.post').nth(19).waitFor();
    const probeTotal = performance.now() - probeStart;
    const timings = await probePage.evaluate(() => {
      const g = globalThis as unknown as { performance: { getEntriesByType(type: string): { name: string; startTime: number; responseEnd: number }[] } };
      return g.performance.getEntriesByType('navigation').concat(g.performance.getEntriesByType('resource')).map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd }));
    });
    await probe.close();

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
      ['home timeline, empty cache, 20 posts on screen', ms(median(cold)), ms(p90(cold)), `${ms(median(minimal))} (minimal page)`, (median(cold) / median(minimal)).toFixed(2), `p50 < ${TARGETS.coldLoadP50Ms} ms`, median(cold) < TARGETS.coldLoadP50Ms],
      ['… the API call alone (GET /api/timeline from Node)', ms(median(raw)), ms(p90(raw)), '', '', '', true],
      ['a new post shown live in an open timeline', ms(median(live)), ms(p90(live)), ms(median(sse)), (median(live) / median(sse)).toFixed(2), `p50 < ${TARGETS.liveP50Ms} ms`, median(live) < TARGETS.liveP50Ms],
    ] as const;
    console.log(`\nweb UI benchmark (PGlite, ${POSTS} posts, ${ROUNDS} rounds each, Chromium headless)\n`);
    console.log('| what | p50 | p90 | raw baseline p50 | ratio | target | met |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.slice(0, 6).join(' | ')} | ${r[6] ? 'yes' : 'NO'} |`);
    console.log(`\nfirst visit downloads ${(firstVisit / 1024).toFixed(1)} KiB gzip (index.html + ${entry.map((e) => path.basename(e)).join(' + ')}); target < ${TARGETS.firstVisitKiB} KiB: ${firstVisit / 1024 < TARGETS.firstVisitKiB ? 'met' : 'MISSED'}`);
    console.log(`\nwhere one cold load's ${ms(probeTotal)} go (ms since navigation start; from the page's resource timing):`);
    for (const e of timings) console.log(`  ${e.start.toFixed(0).padStart(6)} → ${e.end.toFixed(0).padStart(6)}  ${e.name}`);
    console.log(`one timeline page of JSON is ${(timelineJson / 1024).toFixed(1)} KiB uncompressed; ${lazy.length} chunks load on demand (DPO, admin …)`);
  } finally {
    await browser.close();
    await t.stop();
    await cleanUpWorlds();
  }
}

await main();
