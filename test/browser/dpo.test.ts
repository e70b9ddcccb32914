// The DPO area in a real browser. Ada's posts are arranged over HTTP 800 days in the past (the
// server's clock is moved), so they are old enough for retention to be due. Dieter (DPO) signs
// in through the UI, finds their events in the audit trail, opens one, exports exactly what
// his filters select, downloads the ZIP through the browser and the real `flurfunk audit
// verify` accepts it; he answers a subject-access request, places and lifts a legal hold, and
// sees in a retention dry run's report what would be erased and what a hold keeps. Bernd (no
// DPO) gets the server's refusal and no data.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { ARTIFACTS, PHONE, acceptGuidelineIfAsked, expectNoProblems, launchChromium, screenshot, seriousAxeViolations, signInThroughUi, watchedPage, type Watched } from '../support/chromium.js';
import { runCli } from '../support/processes.js';
import { databaseKind } from '../support/world.js';

const DAY = 86_400_000;
const COMPANY_TEXT = 'Apollo-Zwischenstand für alle: Meilenstein Kolibri erreicht';
const APOLLO_TEXT = 'Vertraulich: Testergebnisse Kolibri für das Apollo-Team';
const CASE = 'AZ 3 O 123/26';

interface AuditEvent {
  position: number;
  type: string;
  streamId: string;
  hash: string;
  correlationId: string | null;
}

describe('web UI: DPO area', function () {
  let t: TestServer;
  let browser: Browser;
  let offset = -800 * DAY;
  let dieterApi: Person;
  let dieter: Watched;
  let page: Page;
  const ids: Record<string, string> = {};

  before(async function () {
    [t, browser] = await Promise.all([startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' }, { clock: () => new Date(Date.now() + offset) }), launchChromium()]);
    const ada = await person(t, 'ada');
    await acceptGuideline(t, ada);
    for (const [key, space, text] of [
      ['company', 'all-company', COMPANY_TEXT],
      ['apollo', 'project-apollo', APOLLO_TEXT],
    ] as const) {
      const answer = await call<{ id: string }>(t, ada, 'POST', `/api/spaces/${space}/posts`, { text });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      ids[key] = answer.body.id;
    }
    // Back to today: ada's posts are now past the two years of the Post rule.
    offset = 0;
    dieterApi = await person(t, 'dieter');
    dieter = await watchedPage(browser);
    page = dieter.page;
    await signInThroughUi(page, t.base, 'dieter');
    await acceptGuidelineIfAsked(page);
  });
  after(async function () {
    await browser?.close();
    await t?.stop();
  });

  const rows = () => page.locator('table.dpo-table tbody tr');

  it('searches the audit trail for the posts, shows an event in full, and exports a ZIP that `flurfunk audit verify` accepts', async function () {
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /Datenschutz/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit-Trail' }).waitFor();

    // By type alone: both of ada's posts.
    await page.getByLabel('Ereignistyp').selectOption('PostCreated');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.waitForURL(/\/dpo\?type=PostCreated$/);
    await page.getByText('2 Ereignisse', { exact: true }).waitFor();
    expect(await rows().locator('td[data-label="Stream"]').allTextContents()).to.have.members([`post:${ids.company}`, `post:${ids.apollo}`]);

    // By type and space: only the confidential one.
    await page.getByLabel('Bereich', { exact: true }).fill('project-apollo');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.waitForURL(/\/dpo\?type=PostCreated&space=project-apollo$/);
    await page.getByText('1 Ereignis', { exact: true }).waitFor();
    expect(await rows().count()).to.equal(1);
    const row = rows().first();
    expect(await row.locator('td[data-label="Stream"]').textContent()).to.equal(`post:${ids.apollo}`);
    expect(await row.locator('td[data-label="Akteur"]').textContent()).to.equal('ada');
    expect(await row.locator('td[data-label="Bereich"]').textContent()).to.equal('project-apollo');
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'dpo-audit-desktop');

    // The event in full, as the API has it.
    const [event] = (await call<{ items: AuditEvent[] }>(t, dieterApi, 'GET', `/api/audit/events?type=PostCreated&space=project-apollo`)).body.items;
    expect(event!.streamId).to.equal(`post:${ids.apollo}`);
    await row.getByRole('button', { name: `Details zu PostCreated #${event!.position}` }).click();
    const dialog = page.getByRole('dialog', { name: `PostCreated #${event!.position}` });
    await dialog.waitFor();
    const details = (await dialog.textContent())!;
    expect(details).to.include(event!.hash);
    expect(event!.correlationId).to.be.a('string');
    expect(details).to.include(event!.correlationId!);
    expect(details).to.include(`"postId": "${ids.apollo}"`);
    expect(details).to.include('versiegelt');
    expect(details, 'sealed content never shows').not.to.include('Testergebnisse');
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'dpo-event-desktop');
    await dialog.getByRole('button', { name: 'Schließen' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // An export of exactly these filters, downloaded by the browser and verified by the CLI.
    await page.getByRole('button', { name: 'Export starten' }).click();
    const link = page.getByRole('link', { name: 'ZIP herunterladen' });
    await link.waitFor();
    await page.getByText(/^Export fertig: 1 Ereignis,/).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.match(/\.zip$/);
    const zip = path.join(ARTIFACTS, `dpo-audit-export-${databaseKind}.zip`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await download.saveAs(zip);
    const verified = await runCli(['audit', 'verify', zip], {});
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/export verified: signature, 1 events/);
    // One download is the policy's limit: the page says the file is gone.
    await page.getByText(/^Heruntergeladen/).waitFor();
    const jobs = (await call<{ items: { filters: Record<string, unknown>; state: string; downloads: number }[] }>(t, dieterApi, 'GET', '/api/audit/exports')).body.items;
    expect(jobs).to.have.length(1);
    expect(jobs[0]).to.deep.include({ state: 'removed', downloads: 1 });
    expect(jobs[0]!.filters).to.deep.equal({ types: ['PostCreated'], spaceId: 'project-apollo' });
    expectNoProblems(dieter);
  });

  it('answers a subject-access request and lists it among the export jobs', async function () {
    await page.getByRole('link', { name: 'Exporte & Auskunft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Exporte & Auskunft' }).waitFor();
    await page.getByRole('button', { name: 'Auskunft erstellen' }).click();
    await page.getByText('Bitte gib die ID der Person an.').waitFor();
    await page.getByLabel('Personen-ID').fill('ada');
    await page.getByRole('button', { name: 'Auskunft erstellen' }).click();
    await page.getByText(/^Export fertig: \d+ Ereignisse/).waitFor();
    await page.getByRole('button', { name: 'Aktualisieren' }).click();
    await rows().filter({ hasText: 'Auskunft über ada' }).filter({ hasText: 'Export fertig' }).waitFor();
    expect(await rows().filter({ hasText: 'PostCreated' }).count(), 'the audit export above').to.equal(1);
    const jobs = (await call<{ items: { kind: string; person: string | null; state: string }[] }>(t, dieterApi, 'GET', '/api/audit/exports')).body.items;
    expect(jobs.map((j) => [j.kind, j.person, j.state])).to.deep.include(['subject-access', 'ada', 'ready']);
    expectNoProblems(dieter);
  });

  it('places a legal hold, lists it, and lifts it only after a confirmation with a reason', async function () {
    await page.getByRole('link', { name: 'Legal Holds' }).click();
    await page.getByRole('heading', { level: 1, name: 'Legal Holds' }).waitFor();
    await page.getByText('Keine Legal Holds.').waitFor();
    const place = page.getByRole('button', { name: 'Legal Hold setzen' });
    // Nothing named: explained in the form, nothing sent.
    await place.click();
    await page.getByText('Nenne mindestens Personen, Bereiche oder einen Zeitraum.').waitFor();
    expect((await call<{ items: unknown[] }>(t, dieterApi, 'GET', '/api/holds')).body.items).to.have.length(0);

    await page.getByLabel('Personen', { exact: true }).fill('ada, zora');
    await page.getByLabel('Bereiche', { exact: true }).fill('project-apollo');
    await page.getByLabel('Aktenzeichen').fill(CASE);
    await page.getByLabel('Begründung').fill('Klage Müller gegen ACME: Aufbewahrungspflicht');
    await place.click();
    await page.getByText(`Legal Hold „${CASE}“ ist aktiv.`).waitFor();
    const card = page.locator('li.dpo-hold').filter({ hasText: CASE });
    await card.getByText('aktiv', { exact: true }).waitFor();
    expect(await card.textContent()).to.include('Bereiche: project-apollo').and.include('Noch nie angemeldet (Tippfehler?): zora');
    const [hold] = (await call<{ items: { id: string; state: string; people: string[]; spaces: string[]; caseReference: string }[] }>(t, dieterApi, 'GET', '/api/holds')).body.items;
    expect(hold).to.deep.include({ state: 'active', caseReference: CASE });
    expect(hold!.people).to.have.members(['ada', 'zora']);
    expect(hold!.spaces).to.deep.equal(['project-apollo']);
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.getByRole('heading', { level: 1 }).scrollIntoViewIfNeeded();
    await screenshot(page, 'dpo-holds-desktop');

    // Lifting asks first, and wants a reason.
    await card.getByRole('button', { name: `Legal Hold ${CASE} aufheben …` }).click();
    const dialog = page.getByRole('dialog', { name: `Legal Hold „${CASE}“ aufheben?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Endgültig aufheben' }).click();
    await dialog.getByText('Die Begründung braucht 10 bis 500 Zeichen (jetzt 0).').waitFor();
    expect((await call<{ state: string }>(t, dieterApi, 'GET', `/api/holds/${hold!.id}`)).body.state).to.equal('active');
    await dialog.getByLabel('Begründung der Aufhebung').fill('Verfahren durch Vergleich beendet');
    await dialog.getByRole('button', { name: 'Endgültig aufheben' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`Legal Hold „${CASE}“ ist aufgehoben.`).waitFor();
    await card.getByText('aufgehoben', { exact: true }).waitFor();
    expect(await card.getByRole('button').count(), 'a lifted hold offers nothing to do').to.equal(0);
    const lifted = (await call<{ state: string; liftedBy: string; liftReason: string }>(t, dieterApi, 'GET', `/api/holds/${hold!.id}`)).body;
    expect(lifted).to.deep.include({ state: 'lifted', liftedBy: 'dieter', liftReason: 'Verfahren durch Vergleich beendet' });
    expectNoProblems(dieter);
  });

  it('shows a retention dry run’s report, with what a legal hold keeps, and changes nothing', async function () {
    const hold = await call<{ id: string }>(t, dieterApi, 'POST', '/api/holds', { spaces: ['project-apollo'], reason: 'Prüfung Apollo: alles aufbewahren', caseReference: 'AZ 7 O 1/26' });
    expect(hold.status).to.equal(201);
    await page.getByRole('link', { name: 'Aufbewahrung' }).click();
    await page.getByRole('heading', { level: 1, name: 'Aufbewahrung' }).waitFor();
    await page.getByText('Noch keine Löschnachweise.').waitFor();
    await page.getByRole('button', { name: 'Probelauf starten' }).click();
    await page.getByRole('heading', { name: 'Einzelne Streams' }).waitFor();
    const items = page.locator('table.dpo-table').filter({ has: page.locator('caption', { hasText: 'Einzelne Streams' }) }).locator('tbody tr');
    const outcomes: Record<string, string> = {};
    for (const item of await items.all()) outcomes[(await item.locator('td[data-label="Stream"]').textContent())!] = (await item.locator('td[data-label="Ergebnis"]').textContent())!;
    expect(outcomes).to.deep.equal({ [`post:${ids.company}`]: 'würde gelöscht', [`post:${ids.apollo}`]: 'gehalten (Legal Hold)' });
    const totals = (await page.locator('.dpo-totals').textContent())!;
    expect(totals).to.include('1 würden gelöscht').and.include('1 durch Legal Holds gehalten');
    expect(await seriousAxeViolations(page)).to.deep.equal([]);
    await page.getByRole('heading', { level: 2, name: 'Probelauf' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'dpo-retention-desktop');
    // A dry run erases nothing and leaves no receipt: what is due is still due.
    expect((await call<{ receipts: unknown[] }>(t, dieterApi, 'GET', '/api/retention/receipts')).body.receipts).to.have.length(0);
    const due = (await call<{ shredded: number; held: number }>(t, dieterApi, 'GET', '/api/retention/due')).body;
    expect(due).to.deep.include({ shredded: 1, held: 1 });
    expectNoProblems(dieter);
  });

  it('fits a phone in English: the audit search as a stacked list without sideways scrolling', async function () {
    const w = await watchedPage(browser, { viewport: PHONE, locale: 'en-GB' });
    await signInThroughUi(w.page, t.base, 'dieter');
    await acceptGuidelineIfAsked(w.page);
    await w.page.goto(`${t.base}/dpo?type=PostCreated`);
    await w.page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    await w.page.getByText('2 events', { exact: true }).waitFor();
    // The search made, the filters fold away: the results come first.
    expect(await w.page.getByLabel('Event type').isVisible()).to.equal(false);
    await w.page.getByText('Filters (1 active)').click();
    await w.page.getByLabel('Event type').waitFor();
    await w.page.getByText('Filters (1 active)').click();
    await w.page.getByLabel('Event type').waitFor({ state: 'hidden' });
    const width = await w.page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).to.be.at.most(PHONE.width);
    const firstRow = w.page.locator('table.dpo-table tbody tr').first();
    expect((await firstRow.boundingBox())!.width).to.be.at.most(PHONE.width);
    await screenshot(w.page, 'dpo-audit-phone');
    await firstRow.getByRole('button', { name: /^Details of PostCreated/ }).click();
    const dialog = w.page.getByRole('dialog');
    await dialog.getByText('Hash (SHA-256)').waitFor();
    expect((await dialog.boundingBox())!.width).to.be.at.most(PHONE.width);
    await screenshot(w.page, 'dpo-event-phone');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expectNoProblems(w);
    await w.context.close();
  });

  it('refuses a non-DPO with the server’s reason and shows no audit data', async function () {
    const w = await watchedPage(browser);
    w.expectFailure(403, '/api/audit/catalogue');
    w.expectFailure(403, '/api/holds');
    w.expectFailure(403, '/api/audit/exports');
    w.expectFailure(403, '/api/retention/runs');
    await signInThroughUi(w.page, t.base, 'bernd');
    await acceptGuidelineIfAsked(w.page);
    expect(await w.page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /Datenschutz/ }).count()).to.equal(0);
    await w.page.goto(`${t.base}/dpo`);
    const refusal = w.page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).to.match(/^Nicht erlaubt: .*data-protection officers/);
    expect(await w.page.locator('table').count()).to.equal(0);
    expect(await w.page.getByRole('button', { name: 'Suchen' }).count()).to.equal(0);
    expect(await w.page.getByText(`post:${ids.apollo}`).count()).to.equal(0);
    await w.page.getByRole('link', { name: 'Legal Holds' }).click();
    await w.page.getByRole('heading', { level: 1, name: 'Legal Holds' }).waitFor();
    expect(await w.page.getByRole('alert').textContent()).to.match(/^Nicht erlaubt: /);
    expect(await w.page.locator('li.dpo-hold').count()).to.equal(0);
    expect(await w.page.getByRole('button', { name: 'Legal Hold setzen' }).count(), 'no form that cannot succeed').to.equal(0);
    for (const [link, heading] of [
      ['Exporte & Auskunft', 'Exporte & Auskunft'],
      ['Aufbewahrung', 'Aufbewahrung'],
    ]) {
      await w.page.getByRole('link', { name: link }).click();
      await w.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await w.page.getByRole('alert').textContent()).to.match(/^Nicht erlaubt: .*data-protection officers/);
      expect(await w.page.locator('form, table').count()).to.equal(1); // only the sign-out form
    }
    expectNoProblems(w);
    await w.context.close();
  });
});
