// The administrators' area in a real browser: ines (admin) signs in and sees the active policy;
// a broken policy folder is reported with file and line while the old set stays active and
// keeps deciding; the explain form answers with the deciding rule's location; the spaces page
// lists every space's audience; bernd (no admin) sees a refusal with the reason and no policy
// data. Accessible (axe), no console errors or CSP violations, screenshots at both widths.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { loadPolicyFolder } from '../../src/policy/load-policy.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { PHONE, acceptGuidelineIfAsked, expectNoProblems, launchChromium, screenshot, seriousAxeViolations, signInThroughUi, watchedPage, type Watched } from '../support/chromium.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { projectRoot } from '../support/processes.js';

function lineOf(file: string, text: string): number {
  const index = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${file} has no line with ${text}`);
  return index + 1;
}

async function openAdmin(page: Page, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /Administration/ }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

describe('web UI: admin area', function () {
  let t: TestServer;
  let browser: Browser;
  let dir: string;
  let ines: Watched;
  let bernd: Person;
  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-admin-ui-'));
    fs.cpSync(path.join(projectRoot, 'policies'), dir, { recursive: true });
    [t, browser] = await Promise.all([startFlurfunk({ POLICY_DIR: dir, FLURFUNK_RETENTION_INTERVAL: '0' }), launchChromium()]);
    bernd = await person(t, 'bernd'); // known to Flurfunk, so the explain form can name him
    await acceptGuideline(t, bernd);
    ines = await watchedPage(browser);
    await signInThroughUi(ines.page, t.base, 'ines');
    await acceptGuidelineIfAsked(ines.page);
  });
  after(async function () {
    await browser?.close();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows ines the active set, then a broken folder with file and line while the old set stays active', async function () {
    const { page } = ines;
    const policy = t.world.runtime.policy!;
    const active = policy.version;
    await openAdmin(page, 'Aktive Richtlinie');
    await page.getByText(active.slice(0, 12), { exact: true }).waitFor();
    const testCount = loadPolicyFolder(dir).tests.results.length;
    await page.getByText(`${testCount} bestanden, 0 fehlgeschlagen`).waitFor();
    expect(await page.getByRole('row').count()).to.equal(testCount + 1);
    expect(await page.getByText('spaces.yaml', { exact: true }).count()).to.equal(1);
    expect(await page.getByRole('heading', { name: 'Abgelehnte Fassung' }).count()).to.equal(0);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'admin-policy-desktop');

    // Break the company space's post list: an unknown role on a known line.
    const spaces = path.join(dir, 'spaces.yaml');
    const line = lineOf(spaces, '    post: { roles: [employee] }');
    fs.writeFileSync(spaces, fs.readFileSync(spaces, 'utf8').replace('    post: { roles: [employee] }', '    post: { roles: [employe] }'));
    await policy.reload();
    expect(policy.version).to.equal(active);

    await page.getByRole('button', { name: 'Aktualisieren' }).click();
    const rejected = page.getByRole('region', { name: 'Abgelehnte Fassung', exact: true });
    await rejected.waitFor();
    expect(await rejected.getByText(`spaces.yaml:${line}`, { exact: true }).isVisible()).to.equal(true);
    expect(await rejected.textContent()).to.include('unknown role "employe"').and.include('Die aktive Fassung entscheidet weiter');
    // The version shown is still the old one.
    expect(await page.getByText(active.slice(0, 12), { exact: true }).isVisible()).to.equal(true);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'admin-policy-rejected-desktop');

    // And the server still decides by it: bernd, an employee, posts in the company space.
    expect((await call(t, bernd, 'POST', '/api/spaces/all-company/posts', { text: 'Läuft wie bisher' })).status).to.equal(201);
    expectNoProblems(ines);
  });

  it('explains an allowed and a denied case with the deciding rule and its file and line', async function () {
    const { page } = ines;
    await page.getByRole('navigation', { name: 'Bereiche der Administration' }).getByRole('link', { name: 'Erklären' }).click();
    await page.getByRole('heading', { level: 1, name: 'Warum erlaubt – oder nicht?' }).waitFor();

    await page.getByLabel('Person (Kennung)').fill('bernd');
    await page.getByLabel('Gegenstand').selectOption('Post');
    await page.getByLabel('Aktion').selectOption('create');
    await page.getByLabel('spaceId').selectOption('sales');
    expect(await page.getByLabel('classification').inputValue()).to.equal('internal');
    await page.getByRole('button', { name: 'Erklären' }).click();
    const allowed = page.getByRole('region', { name: 'Erlaubt', exact: true });
    await allowed.waitFor();
    const postLine = lineOf(path.join(dir, 'spaces.yaml'), 'post: { groups: [GG-Vertrieb] }');
    expect(await allowed.getByText(`spaces.yaml:${postLine}`, { exact: true }).isVisible()).to.equal(true);
    expect(await allowed.textContent()).to.include('space sales: post list').and.include('GG-Vertrieb');
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'admin-explain-desktop');

    await page.getByLabel('Person (Kennung)').fill('ines');
    await page.getByLabel('Gegenstand').selectOption('AuditLog');
    await page.getByLabel('Aktion').selectOption('read');
    await page.getByRole('button', { name: 'Erklären' }).click();
    const denied = page.getByRole('region', { name: 'Abgelehnt', exact: true });
    await denied.waitFor();
    const denyLine = lineOf(path.join(dir, 'rules.yaml'), 'deny: [read, export]') - 1;
    expect(await denied.getByText(`rules.yaml:${denyLine}`, { exact: true }).isVisible()).to.equal(true);
    expect(await denied.textContent()).to.include('Only data-protection officers read the audit trail');

    // A question without anyone: said plainly, nothing sent.
    await page.getByLabel('Person (Kennung)').fill('');
    await page.getByRole('button', { name: 'Erklären' }).click();
    await page.getByRole('alert').filter({ hasText: 'Gib eine Person an' }).waitFor();
    expectNoProblems(ines);
  });

  it('lists every space with who may read and post, and the audience with its readers', async function () {
    const { page } = ines;
    await page.getByRole('navigation', { name: 'Bereiche der Administration' }).getByRole('link', { name: 'Publikum' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bereiche und ihr Publikum' }).waitFor();
    const sales = page.getByRole('row', { name: /Vertrieb \(sales\)/ });
    expect(await sales.textContent()).to.include('Gruppe GG-Vertrieb').and.include('1 lesen mit').and.include('1 nicht');
    await sales.getByText('Leser zeigen').click();
    await sales.getByText(/bernd/).waitFor();
    // Configuration, not content: the secret HR space is listed though ines cannot read it.
    const hr = page.getByRole('row', { name: /Personal \(hr\)/ });
    expect(await hr.textContent()).to.include('geheim').and.include('0 lesen mit');
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'admin-spaces-desktop');
    expectNoProblems(ines);
  });

  it('fits a phone, in English for an English browser', async function () {
    const w = await watchedPage(browser, { viewport: PHONE, locale: 'en-GB' });
    const { page } = w;
    await signInThroughUi(page, t.base, 'ines');
    await acceptGuidelineIfAsked(page);
    await page.goto(`${t.base}/admin`);
    await page.getByRole('heading', { level: 1, name: 'Active policy' }).waitFor();
    const rejected = page.getByRole('region', { name: 'Rejected set', exact: true });
    await rejected.waitFor();
    expect(await rejected.textContent()).to.include('The active set keeps deciding');
    await page.getByText(/^\d+ passed, 0 failed$/).waitFor();
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    const wide = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ tagName: string; className: string; getBoundingClientRect(): { right: number } }> } }).document;
      return Array.from(d.querySelectorAll('*')).filter((e) => e.getBoundingClientRect().right > 391).map((e) => `${e.tagName}.${e.className}:${e.getBoundingClientRect().right}`).slice(0, 15);
    });
    expect(width, `no sideways scrolling: ${wide.join(' ')}`).to.be.at.most(PHONE.width);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'admin-policy-phone');
    expectNoProblems(w);
    await w.context.close();
  });

  it('refuses bernd with the policy’s reason and shows no policy data', async function () {
    const w = await watchedPage(browser);
    const { page } = w;
    w.expectFailure(403, '/api/admin/policy');
    await signInThroughUi(page, t.base, 'bernd');
    await acceptGuidelineIfAsked(page);
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /Administration/ }).count()).to.equal(0);
    await page.goto(`${t.base}/admin`);
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).to.include('Nicht erlaubt').and.include('The policy view is for those the policy names (administrators).');
    expect(await page.getByText(t.world.runtime.policy!.version.slice(0, 12)).count()).to.equal(0);
    expect(await page.getByRole('heading', { name: /Aktive Fassung|Richtlinientests|Abgelehnte Fassung/ }).count()).to.equal(0);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expectNoProblems(w);
    await w.context.close();
  });
});
