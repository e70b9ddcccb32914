// The frame of the web UI in a real browser: sign-in through the development provider, the
// first-time guideline screen, the navigation on desktop and phone, the language, the
// manifest, and the strict CSP holding throughout (no console errors, no violations).
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { PHONE, acceptGuidelineIfAsked, expectNoProblems, launchChromium, screenshot, seriousAxeViolations, signInThroughUi, watchedPage } from '../support/chromium.js';

describe('web UI: shell', function () {
  let t: TestServer;
  let browser: Browser;
  before(async function () {
    [t, browser] = await Promise.all([startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' }), launchChromium()]);
  });
  after(async function () {
    await browser?.close();
    await t?.stop();
  });

  it('signs in, asks for the guideline once, and shows the navigation without CSP violations', async function () {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${t.base}/`);
    await page.getByRole('heading', { name: 'Willkommen bei Flurfunk' }).waitFor();
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'sign-in-desktop');
    await signInThroughUi(page, t.base, 'bernd');
    await page.getByRole('button', { name: 'Gelesen und akzeptiert' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('de');
    await acceptGuidelineIfAsked(page);
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect((await nav.getByRole('link').allInnerTexts()).map((s) => s.trim())).to.include.members(['Start', 'Nachrichten', 'Benachrichtigungen']);
    // bernd is neither DPO nor admin: those areas are not offered.
    expect(await nav.getByRole('link', { name: /Datenschutz|Administration/ }).count()).to.equal(0);
    // Navigating moves focus to the page and its heading becomes the tab's title.
    await nav.getByRole('link', { name: 'Nachrichten' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nachrichten' }).waitFor();
    await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'Nachrichten – Flurfunk');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).to.equal('main');
    await page.reload();
    await nav.waitFor(); // accepted once: no guideline screen again
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    expectNoProblems(w);
    await w.context.close();
  });

  it('follows an English browser, fits a phone, and offers an installable manifest', async function () {
    const w = await watchedPage(browser, { viewport: PHONE, locale: 'en-GB' });
    const { page } = w;
    await signInThroughUi(page, t.base, 'ines');
    await acceptGuidelineIfAsked(page);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    // The phone's tab bar sits at the bottom of the screen.
    const box = await nav.boundingBox();
    expect(box!.y + box!.height).to.be.closeTo(PHONE.height, 2);
    const manifest = (await (await page.request.get(`${t.base}/manifest.webmanifest`)).json()) as { display: string; icons: { sizes: string }[] };
    expect(manifest.display).to.equal('standalone');
    expect(manifest.icons.map((i) => i.sizes)).to.include.members(['192x192', '512x512']);
    expect((await page.request.get(`${t.base}/icons/icon-192.png`)).status()).to.equal(200);
    // What does not fit the tab bar is under "More": the admin area, for an admin.
    await nav.getByRole('link', { name: /More/ }).click();
    await page.getByRole('heading', { name: 'More' }).waitFor();
    expect(await page.getByRole('main').getByRole('link', { name: 'Administration' }).count()).to.equal(1);
    expect(await page.getByRole('main').getByRole('link', { name: 'Data protection' }).count()).to.equal(0);
    await screenshot(page, 'home-phone');
    expectNoProblems(w);
    await w.context.close();
  });
});
