// Browser tests drive Debian's Chromium through playwright-core (its own browser download
// cannot work here). Each page records console errors, uncaught exceptions and CSP
// violations, so a test can assert there were none; axe-core checks accessibility from
// inside the page; screenshots go to test-artifacts/screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'chai';
import { databaseKind } from './world.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts');

// Without these, Chromium keeps calling home, which this closed network refuses noisily.
const QUIET = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: QUIET });
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

export interface Watched {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[];
  /** Failed requests the test provoked on purpose (status and a piece of the URL). */
  expectFailure(status: number, urlPart: string): void;
}

/** A fresh context (own cookies) and page whose problems are recorded. */
export async function watchedPage(browser: Browser, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Watched> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, locale: options.locale ?? 'de-DE', acceptDownloads: true, isMobile: options.viewport === PHONE, hasTouch: options.viewport === PHONE });
  const page = await context.newPage();
  const problems: string[] = [];
  // A signed-out visit asks /api/me and hears 401: the one failure every run expects.
  const expected: { status: number; urlPart: string }[] = [{ status: 401, urlPart: '/api/me' }];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const status = /status of (\d{3})/.exec(text)?.[1];
    const url = msg.location().url;
    if (status && expected.some((e) => String(e.status) === status && url.includes(e.urlPart))) return;
    problems.push(`console: ${text} (${url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.exposeBinding('__reportCspViolation', (_source, text: string) => problems.push(`CSP: ${text}`));
  // Runs in the page (the test's tsconfig has no DOM types, hence the narrow casts).
  await page.addInitScript(() => {
    const g = globalThis as unknown as { document: { addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void }; __reportCspViolation(t: string): void };
    g.document.addEventListener('securitypolicyviolation', (e) => g.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`));
  });
  return { page, context, problems, expectFailure: (status, urlPart) => expected.push({ status, urlPart }) };
}

export function expectNoProblems(watched: Watched): void {
  expect(watched.problems, 'console errors, page errors or CSP violations').to.deep.equal([]);
}

/** Signs in through the UI: the sign-in button, the provider's form, back to Flurfunk. */
export async function signInThroughUi(page: Page, base: string, username: string, password = 'demo'): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: /^(Anmelden|Sign in)$/ }).click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForURL(`${base}/**`), page.locator('button[type=submit]').click()]);
}

/** Accepts the usage guideline when the first-time screen shows it. */
export async function acceptGuidelineIfAsked(page: Page): Promise<void> {
  const accept = page.getByRole('button', { name: /^(Gelesen und akzeptiert|Read and accepted)$/ });
  const shell = page.locator('nav.sidenav');
  await Promise.race([accept.waitFor(), shell.waitFor()]);
  if (await accept.isVisible()) await accept.click();
  await shell.waitFor();
}

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { target: readonly string[] }[];
}

/** Serious and critical axe-core findings (WCAG 2.1 A/AA and best practice) on the page as it is. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays on.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const g = globalThis as unknown as { document: unknown; axe: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> } };
    const result = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Writes a screenshot to test-artifacts/screenshots/<name>-<database>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, 'screenshots', `${name}-${databaseKind}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
