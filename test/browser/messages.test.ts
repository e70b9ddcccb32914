// Direct messages and notifications in a real browser, two people in two browser contexts:
// a conversation started through the people picker, messages arriving live with the unread
// badge following, an attachment up and down again (and a refused one with the server's
// reason), mention notifications that never show a confidential post to someone who may not
// read it, and a third person kept out of a conversation that is not theirs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { call, person } from '../support/api.js';
import { PHONE, DESKTOP, acceptGuidelineIfAsked, expectNoProblems, launchChromium, screenshot, seriousAxeViolations, signInThroughUi, watchedPage, type Watched } from '../support/chromium.js';

const unique = (word: string) => `${word}-${crypto.randomBytes(4).toString('hex')}`;

/** The unread badge in the navigation link to `href`: its text, or '' when there is none. */
async function navBadge(page: Page, href: string): Promise<string> {
  const badge = page.locator(`nav.sidenav a[href="${href}"] .badge`);
  return (await badge.count()) === 0 ? '' : ((await badge.textContent()) ?? '');
}

async function waitForNavBadge(page: Page, href: string, expected: string): Promise<void> {
  await page.waitForFunction(
    ([h, e]) => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } };
      return (g.document.querySelector(`nav.sidenav a[href="${h}"] .badge`)?.textContent ?? '') === e;
    },
    [href, expected] as const,
  );
}

describe('web UI: messages and notifications', function () {
  let t: TestServer;
  let browser: Browser;
  let ada: Watched;
  let bernd: Watched;
  let conversationUrl = '';
  let firstText = '';

  before(async function () {
    [t, browser] = await Promise.all([startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' }), launchChromium()]);
  });
  after(async function () {
    await browser?.close();
    await t?.stop();
  });

  it('starts a conversation through the picker; messages arrive live and the unread badge follows', async function () {
    [ada, bernd] = await Promise.all([watchedPage(browser), watchedPage(browser)]);
    await Promise.all(
      ([[bernd, 'bernd'], [ada, 'ada']] as const).map(async ([w, user]) => {
        await signInThroughUi(w.page, t.base, user);
        await acceptGuidelineIfAsked(w.page);
      }),
    );
    const a = ada.page;
    const b = bernd.page;
    await b.goto(`${t.base}/messages`);
    await b.getByText('Noch keine Unterhaltungen').waitFor();

    await a.goto(`${t.base}/messages`);
    await a.getByRole('link', { name: 'Neue Unterhaltung' }).click();
    await a.getByRole('heading', { name: 'Neue Unterhaltung', level: 1 }).waitFor();
    const picker = a.getByRole('combobox', { name: 'Mit wem?' });
    await picker.fill('ber');
    const option = a.getByRole('option', { name: /Bernd Vogel/ });
    await option.waitFor();
    // ada herself ("Ada Berger") matches "ber" too, but is never offered.
    expect(await a.getByRole('option', { name: /Ada Berger/ }).count()).to.equal(0);
    await picker.press('ArrowDown');
    expect(await option.getAttribute('aria-selected')).to.equal('true');
    expect(await picker.getAttribute('aria-activedescendant')).to.equal(await option.getAttribute('id'));
    await picker.press('Enter');
    await a.getByRole('button', { name: 'Bernd Vogel entfernen' }).waitFor();
    expect(await picker.inputValue()).to.equal('');
    expect(await seriousAxeViolations(a)).to.deep.equal([]);
    await a.getByRole('button', { name: 'Unterhaltung starten' }).click();
    await a.waitForURL(/\/messages\/[0-9a-f-]{36}$/);
    conversationUrl = a.url();
    await a.getByRole('heading', { name: 'Bernd Vogel', level: 1 }).waitFor();
    await a.getByText('Strg+Enter (⌘+Enter) sendet, Enter macht eine neue Zeile.').waitFor();

    // Enter is a new line; Ctrl+Enter sends.
    firstText = unique('Hallo-Bernd');
    const box = a.getByRole('textbox', { name: 'Nachricht' });
    await box.fill(firstText);
    await box.press('Enter');
    await box.pressSequentially('Zweite Zeile');
    expect(await a.locator('.messages .message').count()).to.equal(0);
    // Counted against the policy's message limit (policies/limits.yaml: 5000).
    const counter = a.locator('#message-count');
    await counter.filter({ hasText: `${firstText.length + 1 + 'Zweite Zeile'.length} / 5000` }).waitFor();
    await box.fill('x'.repeat(5001));
    await counter.filter({ hasText: '5001 / 5000 – 1 Zeichen zu viel' }).waitFor();
    expect(await a.getByRole('button', { name: 'Senden' }).isDisabled()).to.equal(true);
    await box.fill(`${firstText}\nZweite Zeile`);
    await box.press('Control+Enter');
    await a.locator('.messages .message', { hasText: firstText }).waitFor();
    expect(await box.inputValue()).to.equal('');

    // bernd's open list shows it without a reload, the badge counts it.
    await b.getByRole('link', { name: /Ada Berger/ }).waitFor();
    await waitForNavBadge(b, '/messages', '1');
    expect(await b.locator('.conversation-list li.unread .badge').textContent()).to.equal('1');
    expect(await seriousAxeViolations(b)).to.deep.equal([]);
    await screenshot(b, 'messages-list-desktop');

    await b.getByRole('link', { name: /Ada Berger/ }).click();
    await b.locator('.messages .message', { hasText: firstText }).waitFor();
    await waitForNavBadge(b, '/messages', '');
    expect(await navBadge(b, '/messages')).to.equal('');
    // The message keeps its line break (rendered by the server).
    expect(await b.locator('.messages .message', { hasText: firstText }).locator('br').count()).to.equal(1);

    const reply = unique('Hallo-Ada');
    await b.getByRole('textbox', { name: 'Nachricht' }).fill(reply);
    await b.getByRole('button', { name: 'Senden' }).click();
    await b.locator('.messages .message.mine', { hasText: reply }).waitFor();
    // ada sees it live in her open conversation, which she has open: it is read at once.
    await a.locator('.messages .message:not(.mine)', { hasText: reply }).waitFor();
    await waitForNavBadge(a, '/messages', '');
    // Only one's own messages offer delete.
    expect(await a.locator('.messages .message:not(.mine)').getByRole('button', { name: 'Löschen' }).count()).to.equal(0);
    expect(await seriousAxeViolations(a)).to.deep.equal([]);
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('sends an attachment that the other person downloads byte for byte, and shows why a file is refused', async function () {
    const a = ada.page;
    const b = bernd.page;
    const bytes = Buffer.from(`Protokoll ${unique('abc')}\nZeile zwei\n`, 'utf8');
    const file = `protokoll-${crypto.randomBytes(3).toString('hex')}.txt`;

    // A type the policy does not allow: the server's reason is shown, nothing is attached.
    ada.expectFailure(415, '/api/attachments');
    await a.getByLabel(/Datei anhängen/).setInputFiles({ name: 'archiv.gz', mimeType: 'application/gzip', buffer: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]) });
    const refused = a.locator('.pending-attachments li.problem', { hasText: 'archiv.gz' });
    await refused.waitFor();
    expect(await refused.textContent()).to.match(/application\/gzip/);
    await a.getByRole('button', { name: 'archiv.gz entfernen' }).click();

    await a.getByLabel(/Datei anhängen/).setInputFiles({ name: file, mimeType: 'text/plain', buffer: bytes });
    await a.locator('.pending-attachments li', { hasText: file }).getByRole('button', { name: `${file} entfernen` }).waitFor();
    const text = unique('Anbei');
    await a.getByRole('textbox', { name: 'Nachricht' }).fill(text);
    await a.getByRole('button', { name: 'Senden' }).click();
    const sent = a.locator('.messages .message', { hasText: text });
    await sent.getByRole('link', { name: new RegExp(file) }).waitFor();
    expect(await a.locator('.pending-attachments').count()).to.equal(0);

    const arrived = b.locator('.messages .message', { hasText: text });
    const link = arrived.getByRole('link', { name: new RegExp(file) });
    await link.waitFor();
    const [download] = await Promise.all([b.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.equal(file);
    expect(fs.readFileSync(await download.path())).to.deep.equal(bytes);

    expect(await seriousAxeViolations(b)).to.deep.equal([]);
    await screenshot(b, 'messages-conversation-desktop');
    await b.setViewportSize(PHONE);
    await b.locator('.message-box').waitFor();
    // On a phone the message box sits right above the tab bar at the bottom of the screen.
    const boxRect = (await b.locator('.message-box').boundingBox())!;
    const navRect = (await b.locator('nav.sidenav').boundingBox())!;
    expect(boxRect.y + boxRect.height).to.be.closeTo(navRect.y, 4);
    expect(navRect.y + navRect.height).to.be.closeTo(PHONE.height, 2);
    await screenshot(b, 'messages-conversation-phone');
    await b.setViewportSize(DESKTOP);

    // Delete one's own message, after confirming.
    await sent.getByRole('button', { name: 'Löschen' }).click();
    await sent.getByRole('button', { name: 'Ja, löschen' }).click();
    await sent.waitFor({ state: 'detached' });
    await a.reload();
    await a.locator('.messages .message', { hasText: firstText }).waitFor();
    expect(await a.locator('.messages .message', { hasText: text }).count()).to.equal(0);
    expectNoProblems(ada);
    expectNoProblems(bernd);
  });

  it('notifies bernd of a mention he may read, never of one in a confidential space he cannot read', async function () {
    const b = bernd.page;
    const [adaApi, berndApi] = await Promise.all([person(t, 'ada'), person(t, 'bernd')]);
    // The messages before count as seen: this test is about the mentions.
    expect((await call(t, berndApi, 'POST', '/api/notifications/read', {})).status).to.equal(200);
    await b.goto(`${t.base}/notifications`);
    await b.getByRole('heading', { name: 'Benachrichtigungen', level: 1 }).waitFor();
    await waitForNavBadge(b, '/notifications', '');

    const openWord = unique('Kantine');
    const secretWord = unique('Apollo-Geheimnis');
    // The confidential one first: when the readable one arrives, the stream has passed it.
    const secret = await call<{ id: string }>(t, adaApi, 'POST', '/api/spaces/project-apollo/posts', { text: `@bernd ${secretWord}` });
    expect(secret.status).to.equal(201);
    const open = await call<{ id: string }>(t, adaApi, 'POST', '/api/spaces/all-company/posts', { text: `@bernd schau mal: ${openWord}` });
    expect(open.status).to.equal(201);

    // The mention arrives live at the top, unread, linking to its post.
    const item = b.locator('.notification-list li', { hasText: openWord });
    await item.waitFor();
    expect(await item.getAttribute('class')).to.include('unread');
    expect(await item.getByRole('link', { name: 'Ada Berger hat dich erwähnt' }).getAttribute('href')).to.equal(`/posts/${open.body.id}`);
    expect(await b.locator('main').textContent()).not.to.include(secretWord);
    await waitForNavBadge(b, '/notifications', '1'); // not 2: the confidential mention does not count

    // After a reload too: the list from the server has no trace of the confidential post.
    await b.reload();
    await item.waitFor();
    expect(await b.locator('main').textContent()).not.to.include(secretWord);
    expect(await b.locator(`a[href="/posts/${secret.body.id}"]`).count()).to.equal(0);
    expect(await b.locator('.notification-list li.unread').count()).to.equal(1);
    expect(await navBadge(b, '/notifications')).to.equal('1');
    expect(await seriousAxeViolations(b)).to.deep.equal([]);
    await screenshot(b, 'notifications-desktop');
    await b.setViewportSize(PHONE);
    await screenshot(b, 'notifications-phone');
    await b.setViewportSize(DESKTOP);

    await b.getByRole('button', { name: 'Alle als gelesen markieren' }).click();
    await waitForNavBadge(b, '/notifications', '');
    expect(await b.locator('.notification-list li.unread').count()).to.equal(0);
    await b.reload();
    await item.waitFor();
    expect(await b.locator('.notification-list li.unread').count()).to.equal(0);
    expect(await navBadge(b, '/notifications')).to.equal('');
    expectNoProblems(bernd);
  });

  it('keeps a third person out of a conversation that is not theirs', async function () {
    // In English, to see that language through too.
    const clara = await watchedPage(browser, { locale: 'en-GB' });
    await signInThroughUi(clara.page, t.base, 'clara');
    await acceptGuidelineIfAsked(clara.page);
    clara.expectFailure(404, '/api/conversations/');
    await clara.page.goto(conversationUrl);
    await clara.page.getByText('Not found – or not visible to you.').waitFor();
    expect(await clara.page.locator('main').textContent()).not.to.include(firstText);
    expect(await clara.page.locator('.message').count()).to.equal(0);
    // Her own list has nothing of it either.
    await clara.page.goto(`${t.base}/messages`);
    await clara.page.getByText('No conversations yet').waitFor();
    expect(await clara.page.getByRole('link', { name: /Ada|Bernd/ }).count()).to.equal(0);
    await clara.page.getByRole('link', { name: 'New conversation' }).click();
    await clara.page.getByRole('combobox', { name: 'With whom?' }).waitFor();
    expect(await seriousAxeViolations(clara.page)).to.deep.equal([]);
    expectNoProblems(clara);
    await clara.context.close();
  });

  it('starts a titled group from a profile link and pages back to older messages', async function () {
    const b = bernd.page;
    // A profile's "write a message" link preselects the person.
    await b.goto(`${t.base}/messages/new?to=ada`);
    await b.getByRole('button', { name: 'Ada Berger entfernen' }).waitFor();
    const picker = b.getByRole('combobox', { name: 'Mit wem?' });
    await picker.fill('cla');
    await b.getByRole('option', { name: /Clara Hoffmann/ }).waitFor();
    await picker.press('Enter'); // the only suggestion
    await b.getByRole('button', { name: 'Clara Hoffmann entfernen' }).waitFor();
    // Someone already chosen is not offered again; Escape closes the suggestions.
    await picker.fill('ada');
    await b.getByText('Niemand gefunden.').waitFor();
    expect(await picker.getAttribute('aria-expanded')).to.equal('true');
    await picker.press('Escape');
    expect(await picker.getAttribute('aria-expanded')).to.equal('false');
    expect(await b.getByText('Niemand gefunden.').count()).to.equal(0);
    await picker.fill('');
    const title = unique('Kantinenrunde');
    await b.getByRole('textbox', { name: 'Titel der Gruppe (optional)' }).fill(title);
    await b.getByRole('button', { name: 'Unterhaltung starten' }).click();
    await b.getByRole('heading', { name: title, level: 1 }).waitFor();
    await b.getByText('Mit: Ada Berger, Clara Hoffmann').waitFor();
    const conversationId = b.url().split('/').pop()!;

    const adaApi = await person(t, 'ada');
    for (let i = 1; i <= 21; i++) expect((await call(t, adaApi, 'POST', `/api/conversations/${conversationId}/messages`, { text: `Nachricht ${i}` })).status).to.equal(201);
    await b.locator('.messages .message', { hasText: 'Nachricht 21' }).waitFor();
    await b.reload();
    await b.locator('.messages .message', { hasText: 'Nachricht 21' }).waitFor();
    expect(await b.locator('.messages .message').count()).to.equal(20);
    // Newest at the bottom.
    expect(await b.locator('.messages .message .message-text').last().textContent()).to.equal('Nachricht 21\n');
    await b.getByRole('button', { name: 'Ältere laden' }).click();
    await b.locator('.messages .message-text', { hasText: /^\s*Nachricht 1\s*$/ }).waitFor();
    expect(await b.locator('.messages .message').count()).to.equal(21);
    expect(await b.locator('.messages .message .message-text').first().textContent()).to.equal('Nachricht 1\n');
    expect(await b.getByRole('button', { name: 'Ältere laden' }).count()).to.equal(0);
    expectNoProblems(ada);
    expectNoProblems(bernd);
    await ada.context.close();
    await bernd.context.close();
  });
});
