// A scripted browser for sign-in tests: a cookie jar (tough-cookie) over fetch, following
// redirects itself so that each hop's cookies are stored and sent as a browser would, and
// reading the forms of the development provider's pages.
import net from 'node:net';
import { CookieJar } from 'tough-cookie';

export interface Hop {
  readonly url: string;
  readonly status: number;
}

export class Browser {
  readonly jar = new CookieJar();
  /** Every request this browser made, in order. */
  readonly hops: Hop[] = [];

  /** One request, no redirect followed; cookies sent and stored. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) await this.jar.setCookie(c, url, { ignoreError: true });
    this.hops.push({ url, status: res.status });
    return res;
  }

  /** Requests `url` and follows redirects (303 and 302 as GET), returning the last answer. */
  async follow(url: string, init: RequestInit = {}, limit = 15): Promise<{ res: Response; url: string }> {
    let current = url;
    let res = await this.request(current, init);
    for (let i = 0; i < limit && res.status >= 300 && res.status < 400; i++) {
      const location = res.headers.get('location');
      if (!location) break;
      await res.arrayBuffer();
      current = new URL(location, current).href;
      res = await this.request(current);
    }
    return { res, url: current };
  }

  /** Submits a URL-encoded form and follows the redirects. */
  async submit(action: string, fields: Record<string, string>): Promise<{ res: Response; url: string }> {
    return this.follow(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  }

  async cookie(url: string, name: string): Promise<string | undefined> {
    return (await this.jar.getCookies(url)).find((c) => c.key === name)?.value;
  }
}

/** The action of the first form on an HTML page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string {
  const match = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no form on ${pageUrl}:\n${html.slice(0, 500)}`);
  return new URL(match[1]!.replaceAll('&#38;', '&'), pageUrl).href;
}

/** Hidden inputs of a page's forms, by name. */
export function hiddenFields(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/**
 * Signs in through Flurfunk's /auth/login with the development provider's login form and
 * follows everything back to Flurfunk. Returns the final answer and URL.
 */
export async function signIn(browser: Browser, baseUrl: string, username: string, password = 'demo', returnTo?: string): Promise<{ res: Response; url: string }> {
  const start = await browser.follow(`${baseUrl}/auth/login${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`);
  // Still signed in at the provider: it sends the browser straight back, as real ones do.
  if (!start.url.includes('/interaction/')) return start;
  if (start.res.status !== 200) throw new Error(`expected the provider's login page, got ${start.res.status} at ${start.url}: ${await start.res.text()}`);
  const page = await start.res.text();
  return browser.submit(formAction(page, start.url), { username, password });
}

/** A port free right now on 127.0.0.1, for servers whose public URL must be known in advance. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
