// Flurfunk's two cookies: the session, and the short-lived login request between /auth/login
// and /auth/callback. Both HttpOnly and SameSite=Lax (the provider's redirect back is a
// top-level GET, which Lax lets through); Secure, with the __Host- prefix, whenever the public
// URL is https, so that no subdomain and no plain-http page can set or read them.
import { parse, serialize } from 'cookie';
import type { Request, Response } from 'express';

export interface CookieJarNames {
  readonly session: string;
  readonly login: string;
}

export class Cookies {
  readonly names: CookieJarNames;

  constructor(private readonly secure: boolean) {
    const prefix = secure ? '__Host-' : '';
    this.names = { session: `${prefix}flurfunk_session`, login: `${prefix}flurfunk_login` };
  }

  read(req: Request, name: keyof CookieJarNames): string | undefined {
    const header = req.headers.cookie;
    if (!header) return undefined;
    const value = parse(header)[this.names[name]];
    return value === undefined || value === '' ? undefined : value;
  }

  set(res: Response, name: keyof CookieJarNames, value: string, maxAgeSeconds?: number): void {
    res.append('Set-Cookie', serialize(this.names[name], value, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }) }));
  }

  clear(res: Response, name: keyof CookieJarNames): void {
    res.append('Set-Cookie', serialize(this.names[name], '', { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', maxAge: 0 }));
  }
}
