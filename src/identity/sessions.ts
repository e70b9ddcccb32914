// Signed-in browsers, in the database so that a restart or a second process keeps them. The
// cookie holds a random token; the table holds only its SHA-256, so a copy of the table opens
// no session. A session ends when it is signed out, when it was idle too long, or when its
// absolute lifetime is over. Also the short-lived login requests that carry state, nonce and
// PKCE verifier from /auth/login to /auth/callback.
import crypto from 'node:crypto';
import type { Knex } from 'knex';

export interface Session {
  /** A non-secret name for the session in events and logs (not usable to sign in). */
  readonly handle: string;
  readonly userId: string;
  readonly name: string | undefined;
  readonly email: string | undefined;
  /** The groups as the identity provider sent them; the active policy normalizes them. */
  readonly groups: readonly string[];
  readonly csrfToken: string;
  readonly idToken: string | undefined;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

export type SessionLookup = { readonly status: 'active'; readonly session: Session } | { readonly status: 'expired'; readonly session: Session; readonly why: 'idle' | 'absolute' } | { readonly status: 'none' };

export interface LoginRequest {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
}

interface SessionRow {
  id_hash: string;
  handle: string;
  user_id: string;
  name: string | null;
  email: string | null;
  groups: string[];
  csrf_token: string;
  id_token: string | null;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
}

const LOGIN_REQUEST_MS = 10 * 60_000;
/** Last-seen times are written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const randomToken = () => crypto.randomBytes(32).toString('base64url');

function fromRow(row: SessionRow): Session {
  return {
    handle: row.handle,
    userId: row.user_id,
    name: row.name ?? undefined,
    email: row.email ?? undefined,
    groups: row.groups,
    csrfToken: row.csrf_token,
    idToken: row.id_token ?? undefined,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
  };
}

export class Sessions {
  constructor(
    private readonly knex: Knex,
    private readonly clock: () => Date,
    private readonly limits: { readonly idleMinutes: number; readonly maxHours: number },
  ) {}

  private get idleMs(): number {
    return this.limits.idleMinutes * 60_000;
  }

  /** A new session; returns the cookie token (shown once, stored only as its hash). */
  async create(identity: { userId: string; name?: string; email?: string; groups: readonly string[] }, idToken: string | undefined): Promise<{ token: string; session: Session }> {
    const token = randomToken();
    const now = this.clock();
    const row = {
      id_hash: hash(token),
      handle: hash(`handle:${token}`).slice(0, 16),
      user_id: identity.userId,
      name: identity.name ?? null,
      email: identity.email ?? null,
      groups: [...identity.groups],
      csrf_token: randomToken(),
      id_token: idToken ?? null,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + this.limits.maxHours * 3_600_000),
    };
    await this.knex('sessions').insert(row);
    return { token, session: fromRow(row) };
  }

  /** The session behind a cookie token; an expired one is removed and reported once. */
  async find(token: string): Promise<SessionLookup> {
    const row = await this.knex<SessionRow>('sessions').where({ id_hash: hash(token) }).first();
    if (!row) return { status: 'none' };
    const session = fromRow(row);
    const now = this.clock().getTime();
    const why = now >= session.expiresAt.getTime() ? 'absolute' : now - session.lastSeenAt.getTime() >= this.idleMs ? 'idle' : undefined;
    if (why) {
      // Whoever deletes the row reports the expiry: one event even with several processes.
      const deleted = await this.knex('sessions').where({ id_hash: hash(token) }).delete().returning('handle');
      return deleted.length > 0 ? { status: 'expired', session, why } : { status: 'none' };
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.knex('sessions').where({ id_hash: hash(token) }).update({ last_seen_at: new Date(now) });
    }
    return { status: 'active', session };
  }

  /** Whether a session is still active, without touching or ending it (for long-lived streams). */
  async isActive(token: string): Promise<boolean> {
    const row = await this.knex<SessionRow>('sessions').where({ id_hash: hash(token) }).first();
    if (!row) return false;
    const session = fromRow(row);
    const now = this.clock().getTime();
    return now < session.expiresAt.getTime() && now - session.lastSeenAt.getTime() < this.idleMs;
  }

  /** Ends a session; returns it when it existed. */
  async end(token: string): Promise<Session | undefined> {
    const rows = await this.knex<SessionRow>('sessions').where({ id_hash: hash(token) }).delete().returning('*');
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Removes every session past its idle or absolute limit; returns them, each once. */
  async sweep(): Promise<{ session: Session; why: 'idle' | 'absolute' }[]> {
    const now = this.clock();
    const idleSince = new Date(now.getTime() - this.idleMs);
    const rows = await this.knex<SessionRow>('sessions').where('expires_at', '<=', now).orWhere('last_seen_at', '<=', idleSince).delete().returning('*');
    await this.knex('login_requests').where('expires_at', '<=', now).delete();
    return rows.map((r) => {
      const session = fromRow(r);
      return { session, why: session.expiresAt.getTime() <= now.getTime() ? 'absolute' : 'idle' };
    });
  }

  async saveLoginRequest(request: LoginRequest): Promise<string> {
    const token = randomToken();
    await this.knex('login_requests').insert({
      id_hash: hash(token),
      state: request.state,
      nonce: request.nonce,
      code_verifier: request.codeVerifier,
      return_to: request.returnTo,
      expires_at: new Date(this.clock().getTime() + LOGIN_REQUEST_MS),
    });
    return token;
  }

  /** The login request behind a cookie token, used up by this call; undefined when unknown or stale. */
  async takeLoginRequest(token: string): Promise<LoginRequest | undefined> {
    const rows = await this.knex<{ id_hash: string; state: string; nonce: string; code_verifier: string; return_to: string; expires_at: Date | string }>('login_requests').where({ id_hash: hash(token) }).delete().returning('*');
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= this.clock().getTime()) return undefined;
    return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
  }
}
