// The audit trail of sign-in: refused sign-ins and rejected bearer tokens go to the stream
// `auth` (no person is known for them), sign-outs and expired sessions to the person's stream.
// Refusals are what an attacker can cause at will, so of each kind from one address the first
// few a minute are recorded and the rest counted into the next recorded one; the log has all.
import type { EventStore } from '../events/event-store.js';
import type { Logger } from '../log/logger.js';
import type { Session } from './sessions.js';
import { userStream } from './user-directory.js';

export const AUTH_STREAM = 'auth';
const THROTTLE_MS = 60_000;
const BURST = 5;
const THROTTLE_KEYS = 10_000;

export interface RequestFacts {
  readonly remoteAddress: string | undefined;
  readonly correlationId: string | undefined;
}

export class AuthAudit {
  /** key → when its minute began, the events recorded in it, and the refusals suppressed. */
  private readonly recent = new Map<string, { since: number; recorded: number; suppressed: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly clock: () => Date,
    private readonly policyVersion: () => string | undefined,
  ) {}

  async signInFailed(reason: string, detail: string, request: RequestFacts): Promise<void> {
    this.logger.warn({ reason, detail, reqId: request.correlationId }, 'sign-in refused');
    await this.refusal('SignInFailed', reason, request);
  }

  async tokenRejected(reason: string, request: RequestFacts): Promise<void> {
    this.logger.warn({ reason, reqId: request.correlationId }, 'bearer token rejected');
    await this.refusal('TokenRejected', reason, request);
  }

  async signedOut(session: Session, request: RequestFacts): Promise<void> {
    await this.store.append(userStream(session.userId), [{ type: 'UserSignedOut', data: { userId: session.userId, session: session.handle } }], this.context(session.userId, request));
  }

  async sessionExpired(session: Session, why: 'idle' | 'absolute', request: RequestFacts | undefined): Promise<void> {
    await this.store.append(userStream(session.userId), [{ type: 'SessionExpired', data: { userId: session.userId, session: session.handle, why } }], this.context('system:sessions', request));
  }

  private context(actor: string, request: RequestFacts | undefined) {
    return { expectedVersion: 'any' as const, actor, correlationId: request?.correlationId, policyVersion: this.policyVersion() };
  }

  private async refusal(type: 'SignInFailed' | 'TokenRejected', reason: string, request: RequestFacts): Promise<void> {
    const key = `${type}|${reason}|${request.remoteAddress ?? ''}`;
    const now = this.clock().getTime();
    let window = this.recent.get(key);
    if (!window || now - window.since >= THROTTLE_MS) {
      if (this.recent.size >= THROTTLE_KEYS) this.recent.clear();
      window = { since: now, recorded: 0, suppressed: window?.suppressed ?? 0 };
      this.recent.set(key, window);
    }
    if (window.recorded >= BURST) {
      window.suppressed++;
      return;
    }
    window.recorded++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    await this.store.append(
      AUTH_STREAM,
      [{ type, data: { reason, suppressedBefore: suppressed }, personal: { remoteAddress: request.remoteAddress ?? null } }],
      this.context('anonymous', request),
    );
  }
}
