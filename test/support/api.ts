// Calling Flurfunk's API as a signed-in person from the development provider, the way the
// web UI does: session cookie plus the CSRF token from /api/me.
import { Browser, signIn } from './browser.js';
import type { TestServer } from './flurfunk-server.js';
import { checkAnswer } from './openapi-contract.js';

export interface Person {
  readonly id: string;
  readonly browser: Browser;
  readonly csrf: string;
}

export async function person(t: TestServer, username: string): Promise<Person> {
  const browser = new Browser();
  await signIn(browser, t.base, username);
  const me = (await (await browser.request(`${t.base}/api/me`)).json()) as { csrfToken: string; id: string };
  return { id: me.id, browser, csrf: me.csrfToken };
}

export interface Answer<B> {
  readonly status: number;
  readonly body: B;
  readonly headers: Headers;
}

/** A JSON request (a string body is sent as it is); the answer's body parsed when there is one. */
export async function call<B>(t: TestServer, who: Person, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<B>> {
  const res = await who.browser.request(`${t.base}${path}`, {
    method,
    headers: { 'X-CSRF-Token': who.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return answerOf<B>(method, res);
}

/** The parsed answer, after checking it against the OpenAPI document. */
async function answerOf<B>(method: string, res: Response): Promise<Answer<B>> {
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const parsed: unknown = text !== '' && /json/.test(contentType ?? '') ? JSON.parse(text) : undefined;
  checkAnswer(method, res.url, res.status, contentType, parsed);
  return { status: res.status, body: (parsed ?? {}) as B, headers: res.headers };
}

/** Uploads bytes as the multipart field "file", as a browser's form would. */
export async function upload<B>(t: TestServer, who: Person, query: string, name: string, bytes: Buffer, type = 'application/octet-stream'): Promise<Answer<B>> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await who.browser.request(`${t.base}/api/attachments?${query}`, { method: 'POST', headers: { 'X-CSRF-Token': who.csrf }, body: form });
  return answerOf<B>('POST', res);
}

/** Accepts the current usage guideline for each person. */
export async function acceptGuideline(t: TestServer, ...people: Person[]): Promise<void> {
  for (const p of people) {
    const { version } = (await call<{ version: string }>(t, p, 'GET', '/api/guideline')).body;
    const answer = await call(t, p, 'POST', '/api/guideline/acceptance', { version });
    if (answer.status !== 201) throw new Error(`guideline acceptance for ${p.id}: ${answer.status}`);
  }
}
