// The session and login cookies as a browser receives them: HttpOnly and SameSite=Lax always;
// Secure with the __Host- prefix (no Domain, Path=/) when Flurfunk is reached over https.
import { expect } from 'chai';
import type { Request, Response } from 'express';
import { Cookies } from '../../src/http/cookies.js';

function captured(cookies: Cookies, act: (c: Cookies, res: Response) => void): string[] {
  const headers: string[] = [];
  const res = { append: (name: string, value: string) => (name === 'Set-Cookie' ? headers.push(value) : undefined) } as unknown as Response;
  act(cookies, res);
  return headers;
}

describe('cookies', function () {
  it('over https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', function () {
    const [header] = captured(new Cookies(true), (c, res) => c.set(res, 'session', 'tok'));
    expect(header).to.match(/^__Host-flurfunk_session=tok;/);
    expect(header).to.include('Secure').and.include('HttpOnly').and.include('SameSite=Lax').and.include('Path=/');
    expect(header).to.not.match(/Domain=/i);
  });

  it('over plain http (development): no Secure, which the browser would refuse to send back', function () {
    const [header] = captured(new Cookies(false), (c, res) => c.set(res, 'login', 'tok', 600));
    expect(header).to.match(/^flurfunk_login=tok;/).and.include('Max-Age=600').and.include('HttpOnly');
    expect(header).to.not.include('Secure');
  });

  it('clears with an empty value and Max-Age=0, and reads only its own name', function () {
    const cookies = new Cookies(true);
    expect(captured(cookies, (c, res) => c.clear(res, 'session'))[0]).to.match(/^__Host-flurfunk_session=; Max-Age=0;/);
    const req = { headers: { cookie: 'flurfunk_session=plain; __Host-flurfunk_session=hosted; other=x' } } as Request;
    expect(cookies.read(req, 'session')).to.equal('hosted');
    expect(new Cookies(false).read(req, 'session')).to.equal('plain');
    expect(cookies.read({ headers: {} } as Request, 'login')).to.equal(undefined);
  });
});
