// The feed in a real browser with two people in two browser contexts: a post written through
// the composer (a #topic picked from the completion, the preview, the audience preview)
// reaches the other's timeline live; a confidential post never reaches someone outside its
// space (timeline, search, notifications, direct link); a file goes up with progress and
// comes down byte for byte, a refused one says why; an edit shows as "bearbeitet" with its
// history; a mention moves the badge live; a read-only space offers no composer and a refusal
// shows the policy's reason. axe, screenshots, and no console errors or CSP violations.
import fs from 'node:fs/promises';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { acceptGuideline, call, person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { DESKTOP, PHONE, acceptGuidelineIfAsked, expectNoProblems, launchChromium, screenshot, seriousAxeViolations, signInThroughUi, watchedPage, type Watched } from '../support/chromium.js';

/** A link of the main navigation. */
const nav = (page: Page, name: RegExp) => page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name });

/** The post card on `page` that contains `text`. */
const card = (page: Page, text: string) => page.locator('article.post', { hasText: text });

/** Marks the document, so a later check can tell that the page was not reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });
}
async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

async function badgeCount(page: Page): Promise<number> {
  const badge = page.getByRole('link', { name: /Benachrichtigungen/ }).locator('.badge');
  return (await badge.count()) === 0 ? 0 : Number(await badge.textContent());
}

async function phoneAndDesktopShots(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await screenshot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

describe('web UI: feed', function () {
  let t: TestServer;
  let browser: Browser;
  let ada: Watched;
  let bernd: Watched;
  let firstPostId: string;
  let secretPostId: string;

  before(async function () {
    [t, browser] = await Promise.all([startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' }), launchChromium()]);
    // Background: a colleague has written about #quartalszahlen, so the topic can be completed.
    const paula = await person(t, 'paula');
    await acceptGuideline(t, paula);
    expect((await call(t, paula, 'POST', '/api/spaces/all-company/posts', { text: 'Vorschau auf die #quartalszahlen folgt' })).status).to.equal(201);
  });
  after(async function () {
    await browser?.close();
    await t?.stop();
  });

  it('ada posts through the composer (#topic from the completion, preview, audience) and it appears in bernd’s timeline without reload', async function () {
    [ada, bernd] = [await watchedPage(browser), await watchedPage(browser)];
    for (const w of [ada, bernd]) w.page.setDefaultTimeout(10_000);
    await signInThroughUi(bernd.page, t.base, 'bernd');
    await acceptGuidelineIfAsked(bernd.page);
    // bernd follows no space yet: he follows all-company on the spaces page.
    await nav(bernd.page, /Bereiche/).click();
    await bernd.page.getByRole('heading', { name: 'Bereiche', level: 1 }).waitFor();
    expect(await bernd.page.getByRole('heading', { name: /Projekt Apollo/ }).count(), 'a space bernd may not read is not listed').to.equal(0);
    await bernd.page.getByRole('button', { name: 'Ganze Firma folgen' }).click();
    await bernd.page.getByRole('button', { name: 'Du folgst Ganze Firma', pressed: true }).waitFor();
    await nav(bernd.page, /Start/).click();
    await card(bernd.page, 'quartalszahlen').waitFor();
    await markDocument(bernd.page);

    await signInThroughUi(ada.page, t.base, 'ada');
    await acceptGuidelineIfAsked(ada.page);
    await ada.page.goto(`${t.base}/spaces/all-company`);
    const text = ada.page.getByLabel('Neuer Beitrag in Ganze Firma');
    await text.click();
    await text.pressSequentially('Die **Zahlen** sind da #qua');
    const option = ada.page.getByRole('option', { name: /#quartalszahlen/ });
    await option.waitFor();
    // Escape closes the suggestions; typing on brings them back.
    await text.press('Escape');
    await ada.page.getByRole('listbox').waitFor({ state: 'hidden' });
    await text.pressSequentially('rt');
    await option.waitFor();
    expect(await text.getAttribute('aria-activedescendant')).to.equal(await option.getAttribute('id'));
    await text.press('Enter');
    await text.pressSequentially('und gut.');
    expect(await text.inputValue()).to.equal('Die **Zahlen** sind da #quartalszahlen und gut.');
    expect(await ada.page.locator('.counter').textContent()).to.equal('47 / 5000');
    // The preview is the server's rendering.
    await ada.page.getByRole('button', { name: 'Vorschau' }).click();
    await ada.page.getByRole('region', { name: 'Vorschau' }).locator('strong', { hasText: 'Zahlen' }).waitFor();
    await ada.page.getByRole('button', { name: 'Schreiben' }).click();
    // The audience preview counts what the server counts.
    const audience = await call<{ count: number; notReaching: number }>(t, await person(t, 'paula'), 'GET', '/api/spaces/all-company/audience');
    await ada.page.getByText(`Sichtbar für ${audience.body.count} Personen`).waitFor();
    await ada.page.getByText(`Sichtbar für ${audience.body.count} Personen`).click();
    await ada.page.locator('.audience-names li', { hasText: 'Bernd Vogel' }).waitFor();
    expect(await ada.page.locator('.classification-banner').count(), 'no banner for an internal space').to.equal(0);
    expect(await seriousAxeViolations(ada.page), 'space page with the composer open').to.deep.equal([]);
    await phoneAndDesktopShots(ada.page, 'feed-composer-audience');
    await text.press('Control+Enter');
    await card(ada.page, 'sind da').waitFor();
    expect(await text.inputValue()).to.equal('');

    // bernd's timeline shows it live: same document, no reload.
    const arrived = card(bernd.page, 'sind da');
    await arrived.waitFor();
    expect(await sameDocument(bernd.page)).to.equal(true);
    expect(await arrived.locator('strong').textContent()).to.equal('Zahlen');
    expect(await arrived.getByRole('link', { name: 'Ada Berger' }).getAttribute('href')).to.equal('/people/ada');
    firstPostId = (await arrived.getAttribute('data-post-id'))!;
    expect(await bernd.page.getByRole('status').filter({ hasText: 'Neuer Beitrag von Ada Berger' }).count()).to.equal(1);
    expect(await seriousAxeViolations(bernd.page), 'timeline').to.deep.equal([]);
    await phoneAndDesktopShots(bernd.page, 'feed-timeline');
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('a confidential post of ada never reaches bernd: not live, not in search, not in notifications, not by its address', async function () {
    await ada.page.goto(`${t.base}/spaces/project-apollo`);
    const text = ada.page.getByLabel('Neuer Beitrag in Projekt Apollo');
    await text.click();
    // The warning stands before anything is sent.
    const banner = ada.page.locator('.classification-banner');
    await banner.waitFor();
    // The audience of a space is only for its readers: paula may not even ask.
    expect((await call(t, await person(t, 'paula'), 'GET', '/api/spaces/project-apollo/audience')).status).to.equal(404);
    // Known readers so far: ada alone (clara has not signed in yet).
    expect(await banner.textContent()).to.equal('Vertraulicher Bereich: nur 1 Person mit Zugang zu diesem Bereich darf das lesen. Teile nichts, was nicht für sie bestimmt ist.');
    expect(await ada.page.getByText('Sichtbar für 1 Person').count()).to.equal(1);
    await screenshot(ada.page, 'feed-composer-confidential-desktop');
    await text.pressSequentially('Zebrafink17 startet nächste Woche, @bern');
    await ada.page.getByRole('option', { name: /Bernd Vogel/ }).waitFor();
    await text.press('Tab');
    expect(await text.inputValue()).to.equal('Zebrafink17 startet nächste Woche, @bernd ');
    await ada.page.getByRole('button', { name: 'Veröffentlichen' }).click();
    const secret = card(ada.page, 'Zebrafink17');
    await secret.waitFor();
    secretPostId = (await secret.getAttribute('data-post-id'))!;
    expect(await secret.locator('.tag.closed').textContent()).to.equal('Vertraulich');

    // A later post that bernd may read arrives live; the confidential one did not come before it.
    await ada.page.goto(`${t.base}/spaces/all-company`);
    await ada.page.getByLabel('Neuer Beitrag in Ganze Firma').fill('Die Kantine hat wieder offen.');
    await ada.page.getByRole('button', { name: 'Veröffentlichen' }).click();
    await card(bernd.page, 'Kantine hat wieder offen').waitFor();
    expect(await sameDocument(bernd.page)).to.equal(true);
    expect(await card(bernd.page, 'Zebrafink17').count()).to.equal(0);

    // Search through the UI: nothing.
    await nav(bernd.page, /Suche/).click();
    await bernd.page.getByLabel('Suchbegriffe').fill('Zebrafink17');
    await bernd.page.getByLabel('Suchbegriffe').press('Enter');
    await bernd.page.getByRole('paragraph').filter({ hasText: 'Keine Beiträge zu „Zebrafink17“ gefunden.' }).waitFor();
    // … while a word of a readable post is found (the search itself works).
    await bernd.page.getByLabel('Suchbegriffe').fill('Kantine');
    await bernd.page.getByLabel('Suchbegriffe').press('Enter');
    await card(bernd.page, 'Kantine hat wieder offen').waitFor();
    expect(await seriousAxeViolations(bernd.page), 'search').to.deep.equal([]);

    // Notifications (asked with bernd's own session): nothing refers to it.
    const notifications = (await (await bernd.page.request.get(`${t.base}/api/notifications`)).json()) as { items: { postId: string | null; excerpt: string }[] };
    expect(notifications.items.filter((n) => n.postId === secretPostId || n.excerpt.includes('Zebrafink17'))).to.deep.equal([]);

    // Its address: "not found", as for a post that does not exist.
    bernd.expectFailure(404, `/api/posts/${secretPostId}`);
    await bernd.page.goto(`${t.base}/posts/${secretPostId}`);
    await bernd.page.getByText('Nicht gefunden – oder nicht für dich sichtbar.').waitFor();
    expect(await bernd.page.getByText('Zebrafink17').count()).to.equal(0);
    // Nor its space: the same "not found" (asked without any failing request).
    await bernd.page.goto(`${t.base}/spaces/project-apollo`);
    await bernd.page.getByText('Nicht gefunden – oder nicht für dich sichtbar.').waitFor();
    // ada, who may read it, opens the same address.
    await ada.page.goto(`${t.base}/posts/${secretPostId}`);
    await ada.page.locator('.post-body', { hasText: 'Zebrafink17' }).waitFor();
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('a file goes up with progress and down to bernd byte for byte; a refused file says why', async function () {
    await bernd.page.goto(`${t.base}/`);
    await card(bernd.page, 'Kantine').first().waitFor();
    await markDocument(bernd.page);
    await ada.page.goto(`${t.base}/spaces/all-company`);
    const files = ada.page.locator('form.composer input[type=file]');
    // A program is not among the policy's types: the server's reason, per file.
    ada.expectFailure(415, '/api/attachments');
    await files.setInputFiles({ name: 'werkzeug.exe', mimeType: 'application/octet-stream', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 1)]) });
    const refused = ada.page.locator('.upload.failed', { hasText: 'werkzeug.exe' });
    await refused.getByRole('alert').filter({ hasText: /Nicht hochgeladen: .*this installation accepts/ }).waitFor();
    const publish = ada.page.getByRole('button', { name: 'Veröffentlichen' });
    const text = ada.page.getByLabel('Neuer Beitrag in Ganze Firma');
    // Over the policy's limit, the counter says by how much and sending waits.
    await text.fill('x'.repeat(5001));
    expect(await ada.page.locator('.counter.over').textContent()).to.equal('5001 / 5000 – 1 Zeichen zu viel');
    expect(await publish.isDisabled()).to.equal(true);
    // A link around the selected word, its address asked in the composer itself.
    await text.fill('Das Protokoll vom Montag');
    await text.evaluate((el) => (el as unknown as { setSelectionRange(a: number, b: number): void }).setSelectionRange(4, 13));
    await ada.page.getByRole('button', { name: 'Link einfügen' }).click();
    await ada.page.getByLabel('Adresse des Links').fill('https://wiki.example/protokoll');
    await ada.page.getByLabel('Adresse des Links').press('Enter');
    expect(await text.inputValue()).to.equal('Das [Protokoll](https://wiki.example/protokoll) vom Montag');
    expect(await publish.isDisabled()).to.equal(true);
    await ada.page.getByText('Entferne zuerst die abgelehnten Dateien.').waitFor();
    await ada.page.getByRole('button', { name: 'werkzeug.exe entfernen' }).click();
    // A file dropped on the composer uploads too, and can be removed before sending.
    const dropped = await ada.page.evaluateHandle(() => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: string[], name: string, o: object) => unknown };
      const transfer = new g.DataTransfer();
      transfer.items.add(new g.File(['nur ein Entwurf'], 'entwurf.txt', { type: 'text/plain' }));
      return transfer;
    });
    await ada.page.dispatchEvent('form.composer', 'dragover', { dataTransfer: dropped });
    await ada.page.dispatchEvent('form.composer', 'drop', { dataTransfer: dropped });
    await ada.page.locator('.upload.done', { hasText: 'entwurf.txt' }).waitFor();
    await ada.page.getByRole('button', { name: 'entwurf.txt entfernen' }).click();
    // A text file goes up; its progress completes.
    const bytes = Buffer.from('Protokoll\nPunkt 1: Zahlen\nPunkt 2: Kantine\n'.repeat(200));
    await files.setInputFiles({ name: 'protokoll.txt', mimeType: 'text/plain', buffer: bytes });
    await ada.page.locator('.upload.done', { hasText: 'protokoll.txt' }).getByText('hochgeladen').waitFor();
    await publish.click();
    await card(ada.page, 'Protokoll vom Montag').waitFor();
    expect(await ada.page.locator('.uploads').count(), 'the sent files are cleared').to.equal(0);

    const arrived = card(bernd.page, 'Protokoll vom Montag');
    await arrived.waitFor();
    expect(await sameDocument(bernd.page)).to.equal(true);
    expect(await arrived.locator('.post-body a').getAttribute('href')).to.equal('https://wiki.example/protokoll');
    const link = arrived.getByRole('link', { name: /protokoll\.txt/ });
    expect(await arrived.locator('.attachments li').count(), 'the removed files were not sent').to.equal(1);
    expect(await arrived.locator('.attachments').textContent()).to.include('(8,4 KB)');
    const [download] = await Promise.all([bernd.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.equal('protokoll.txt');
    expect((await fs.readFile(await download.path())).equals(bytes)).to.equal(true);
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('an edit shows as "bearbeitet" with both versions in the history; comments arrive live on the post', async function () {
    await ada.page.goto(`${t.base}/posts/${firstPostId}`);
    const post = card(ada.page, 'sind da');
    await post.getByRole('button', { name: 'Bearbeiten' }).click();
    const edit = ada.page.getByLabel('Beitrag bearbeiten');
    expect(await edit.inputValue()).to.equal('Die **Zahlen** sind da #quartalszahlen und gut.');
    await edit.fill('Die **Zahlen** sind da #quartalszahlen und sehr gut.');
    await ada.page.getByRole('button', { name: 'Speichern' }).click();
    await post.locator('.tag.edited', { hasText: 'bearbeitet' }).waitFor();
    await post.getByRole('button', { name: 'Verlauf' }).click();
    const history = ada.page.getByRole('region', { name: 'Verlauf' });
    await history.locator('li').nth(1).waitFor();
    const versions = await history.locator('.history-text').allTextContents();
    expect(versions).to.deep.equal(['Die **Zahlen** sind da #quartalszahlen und gut.', 'Die **Zahlen** sind da #quartalszahlen und sehr gut.']);
    expect(await history.textContent()).to.include('bearbeitet von Ada Berger');

    // bernd opens the post from his timeline and sees the edit marked.
    await bernd.page.goto(`${t.base}/`);
    await card(bernd.page, 'sind da').locator('a.post-time').click();
    await bernd.page.getByRole('heading', { name: 'Beitrag von Ada Berger', level: 1 }).waitFor();
    const seen = card(bernd.page, 'sehr gut');
    await seen.locator('.tag.edited', { hasText: 'bearbeitet' }).waitFor();
    // Not his post: neither edit nor delete is offered to him.
    expect(await seen.getByRole('button', { name: /Bearbeiten|Löschen/ }).count()).to.equal(0);
    // bernd reacts: the reaction shows with its count, pressed.
    await seen.getByRole('button', { name: 'Reagieren' }).click();
    await seen.getByRole('button', { name: 'Gefällt mir' }).click();
    await seen.getByRole('button', { name: 'Gefällt mir 1', pressed: true }).waitFor();
    // bernd comments; ada, on the same post, sees the comment arrive.
    await bernd.page.getByLabel('Dein Kommentar').fill('Danke, *sehr* hilfreich!');
    await bernd.page.getByRole('button', { name: 'Kommentieren' }).click();
    await bernd.page.locator('article.comment', { hasText: 'hilfreich' }).waitFor();
    await ada.page.locator('article.comment', { hasText: 'hilfreich' }).locator('em', { hasText: 'sehr' }).waitFor();
    await ada.page.getByRole('heading', { name: 'Kommentare (1)' }).waitFor();
    // The post's author may mark the answer.
    await ada.page.getByRole('button', { name: 'Als Antwort markieren' }).click();
    await ada.page.locator('article.comment.is-answer').waitFor();
    expect(await seriousAxeViolations(bernd.page), 'post detail').to.deep.equal([]);
    await phoneAndDesktopShots(ada.page, 'feed-post-detail');
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('a mention picked from the completion moves bernd’s notification badge live; his profile page offers follow and a message', async function () {
    await bernd.page.goto(`${t.base}/people/ada`);
    await bernd.page.getByRole('heading', { name: 'Ada Berger', level: 1 }).waitFor();
    await markDocument(bernd.page);
    const before = await badgeCount(bernd.page);

    // This time from ada's home timeline, choosing the space there.
    await ada.page.goto(`${t.base}/`);
    await ada.page.getByRole('button', { name: /Beitrag schreiben/ }).click();
    await ada.page.getByLabel('Schreiben in').selectOption({ label: 'Ganze Firma' });
    const text = ada.page.getByLabel('Neuer Beitrag in Ganze Firma');
    await text.click();
    await text.pressSequentially('Danke @bern');
    await ada.page.getByRole('option', { name: /Bernd Vogel/ }).click();
    await text.pressSequentially('für die Hilfe!');
    expect(await text.inputValue()).to.equal('Danke @bernd für die Hilfe!');
    await text.press('Control+Enter');
    await card(ada.page, 'für die Hilfe').waitFor();

    await bernd.page.waitForFunction((n) => {
      const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } };
      const badges = g.document.querySelectorAll('nav.sidenav a[href="/notifications"] .badge');
      return badges.length > 0 && Number(badges[0]!.textContent) > n;
    }, before);
    expect(await sameDocument(bernd.page)).to.equal(true);
    expect(await badgeCount(bernd.page)).to.equal(before + 1);
    // The profile lists ada's posts bernd may read (the confidential one is not among them) and arrives live too.
    await card(bernd.page, 'für die Hilfe').waitFor();
    expect(await card(bernd.page, 'Zebrafink17').count()).to.equal(0);
    expect(await bernd.page.getByRole('link', { name: 'Nachricht schreiben' }).getAttribute('href')).to.equal('/messages/new?to=ada');
    await bernd.page.getByRole('button', { name: 'Folgen', pressed: false }).click();
    await bernd.page.getByRole('button', { name: 'Folge ich', pressed: true }).waitFor();
    expect(await seriousAxeViolations(bernd.page), 'profile').to.deep.equal([]);
    await screenshot(bernd.page, 'feed-profile-desktop');
    // ada deletes a post of hers, after confirming; it is gone from her timeline.
    const kantine = card(ada.page, 'Kantine hat wieder offen');
    await kantine.getByRole('button', { name: 'Löschen' }).click();
    await kantine.getByText('Diesen Beitrag wirklich löschen?').waitFor();
    await kantine.getByRole('button', { name: 'Ja, löschen' }).click();
    await kantine.waitFor({ state: 'detached' });
    const gone = await call<unknown>(t, await person(t, 'paula'), 'GET', '/api/search?q=Kantine');
    expect(gone.body).to.deep.include({ items: [] });
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('clara may read project-apollo but not post there; a refused post shows the policy’s reason, and goes through once she accepted the guideline', async function () {
    const clara = await watchedPage(browser);
    clara.page.setDefaultTimeout(10_000);
    await signInThroughUi(clara.page, t.base, 'clara');
    // She only reads for now: the guideline stays unaccepted.
    await clara.page.getByRole('button', { name: 'Erst nur lesen' }).click();
    await clara.page.locator('nav.sidenav').waitFor();
    // (A reload would ask again: she moves through the app's own links.)
    await nav(clara.page, /Bereiche/).click();
    await clara.page.getByRole('link', { name: 'Projekt Apollo' }).click();
    await clara.page.getByRole('heading', { name: /Projekt Apollo/, level: 1 }).waitFor();
    // Allowed side: she reads the confidential post; denied side: no composer, and why.
    await card(clara.page, 'Zebrafink17').waitFor();
    await clara.page.getByText('Hier kannst du mitlesen, aber nicht schreiben').waitFor();
    expect(await clara.page.locator('form.composer').count()).to.equal(0);
    // Where she may post, the server still refuses until she accepts the guideline – with its reason.
    await nav(clara.page, /Bereiche/).click();
    await clara.page.getByRole('link', { name: 'Ganze Firma' }).click();
    await clara.page.getByLabel('Neuer Beitrag in Ganze Firma').fill('Hallo zusammen');
    clara.expectFailure(403, '/api/spaces/all-company/posts');
    await clara.page.getByRole('button', { name: 'Veröffentlichen' }).click();
    const problem = clara.page.locator('form.composer .problem[role=alert]');
    await problem.waitFor();
    expect(await problem.textContent()).to.match(/^Nicht erlaubt: Accept the usage guideline \(version .+\) before your first post/);
    await clara.page.getByRole('button', { name: 'Nutzungsrichtlinie jetzt lesen' }).waitFor();
    // Nothing was posted.
    expect(await card(clara.page, 'Hallo zusammen').count()).to.equal(0);
    // Once she has accepted (here in the background, with her session), the same send goes
    // through: the refusal kept under the first attempt's Idempotency-Key is not replayed.
    const { csrfToken } = (await (await clara.page.request.get(`${t.base}/api/me`)).json()) as { csrfToken: string };
    const { version } = (await (await clara.page.request.get(`${t.base}/api/guideline`)).json()) as { version: string };
    const accepted = await clara.page.request.post(`${t.base}/api/guideline/acceptance`, { headers: { 'x-csrf-token': csrfToken }, data: { version } });
    expect(accepted.status()).to.equal(201);
    await clara.page.getByRole('button', { name: 'Veröffentlichen' }).click();
    await card(clara.page, 'Hallo zusammen').waitFor();
    expect(await problem.count()).to.equal(0);
    expectNoProblems(clara);
    await clara.context.close();
    await ada.context.close();
    await bernd.context.close();
  });
});
