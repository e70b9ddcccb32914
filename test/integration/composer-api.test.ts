// What the composer asks the server before sending: the Markdown preview renders exactly as a
// post will (raw HTML stays text, unsafe links stay dead) and stores nothing; the limits are
// the active policy's. Both only for signed-in people.
import fs from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

interface Limits {
  postLength: number;
  commentLength: number;
  messageLength: number;
  attachments: { maxBytes: number; types: string[] };
}

describe('composer API: preview and limits', function () {
  let t: TestServer;
  let ada: Person;
  before(async function () {
    t = await startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '0' });
    ada = await person(t, 'ada');
  });
  after(async function () {
    await t?.stop();
  });

  it('renders Markdown like a post: raw HTML escaped, unsafe links not made, nothing stored', async function () {
    const headBefore = await t.world.runtime.store.head();
    const text = 'Hallo **Welt** <script>alert(1)</script> <img src=x onerror=alert(2)> [klick](javascript:alert(3)) https://example.org #apollo';
    const answer = await call<{ html: string }>(t, ada, 'POST', '/api/preview', { text });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('cache-control')).to.equal('no-store');
    const { html } = answer.body;
    expect(html).to.include('<strong>Welt</strong>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.to.match(/<script|<img|href="javascript:/i);
    expect(html).to.include('<a href="https://example.org" rel="noopener noreferrer nofollow" target="_blank">');
    // The same text posted renders to exactly the same HTML.
    await acceptGuideline(t, ada);
    const post = await call<{ html: string }>(t, ada, 'POST', '/api/spaces/all-company/posts', { text });
    expect(post.status).to.equal(201);
    expect(post.body.html).to.equal(html);
    // The preview itself appended nothing: only the acceptance and the post are new.
    const headAfter = await t.world.runtime.store.head();
    expect(headAfter.position - headBefore.position).to.equal(2);
  });

  it('refuses a preview that is not text or longer than any post may be', async function () {
    expect((await call(t, ada, 'POST', '/api/preview', { text: 42 })).status).to.equal(400);
    expect((await call(t, ada, 'POST', '/api/preview', 'not json', { 'content-type': 'text/plain' })).status).to.equal(400);
    const tooLong = await call<{ detail: string }>(t, ada, 'POST', '/api/preview', { text: 'x'.repeat(5001) });
    expect(tooLong.status).to.equal(400);
    expect(tooLong.body.detail).to.match(/at most 5000/);
    expect((await call<{ html: string }>(t, ada, 'POST', '/api/preview', { text: '' })).body.html).to.equal('');
  });

  it('answers the active policy’s limits', async function () {
    const answer = await call<Limits>(t, ada, 'GET', '/api/limits');
    expect(answer.status).to.equal(200);
    // As the admins wrote them in policies/limits.yaml (the exports section is not the composer's).
    const written = (parse(fs.readFileSync('policies/limits.yaml', 'utf8')) as { limits: Limits }).limits;
    expect(answer.body).to.deep.equal({ postLength: written.postLength, commentLength: written.commentLength, messageLength: written.messageLength, attachments: written.attachments });
    expect(answer.body).to.deep.equal((({ postLength, commentLength, messageLength, attachments }) => ({ postLength, commentLength, messageLength, attachments }))(t.world.runtime.policy!.current.set.limits));
  });

  it('answers neither to someone signed out', async function () {
    const preview = await fetch(`${t.base}/api/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hallo' }) });
    expect(preview.status).to.equal(401);
    expect(preview.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(await preview.text()).not.to.include('hallo');
    const limits = await fetch(`${t.base}/api/limits`);
    expect(limits.status).to.equal(401);
  });

  it('refuses a browser preview without the CSRF token', async function () {
    const answer = await ada.browser.request(`${t.base}/api/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hallo' }) });
    expect(answer.status).to.equal(403);
  });
});
