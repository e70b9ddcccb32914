// Bearer access tokens for non-browser clients (desktop and phone apps, scripts): a JWT from
// the same identity provider, checked with jose against the provider's published keys (from
// discovery), for issuer, audience (OIDC_API_AUDIENCE), expiry and an asymmetric algorithm.
// Tokens without the groups claim get their claims from the provider's userinfo endpoint.
import crypto from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { claimAt } from '../policy/principal.js';
import type { RelyingParty } from './relying-party.js';

/** Asymmetric only: a shared-secret (HS*) or unsigned (none) token is never accepted. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const USERINFO_CACHE = 1_000;

export type TokenRejection = 'malformed' | 'signature_invalid' | 'alg_rejected' | 'expired' | 'issuer_mismatch' | 'audience_mismatch' | 'claims_invalid' | 'provider_unreachable';

export class TokenRejectedError extends Error {
  constructor(readonly reason: TokenRejection) {
    super(`bearer token rejected: ${reason}`);
  }
}

export class BearerVerifier {
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly userinfo = new Map<string, { claims: Record<string, unknown>; until: number }>();

  constructor(
    private readonly rp: RelyingParty,
    private readonly audience: string,
    private readonly groupsClaim: () => string,
    private readonly clock: () => Date,
  ) {}

  /** The token's claims (with userinfo where groups were missing), or TokenRejectedError. */
  async verify(token: string): Promise<Record<string, unknown>> {
    let config: oidc.Configuration;
    try {
      config = await this.rp.config();
    } catch {
      throw new TokenRejectedError('provider_unreachable');
    }
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) throw new TokenRejectedError('provider_unreachable');
    this.keys ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, { issuer: metadata.issuer, audience: this.audience, algorithms: ALGORITHMS, requiredClaims: ['sub', 'exp'], currentDate: this.clock(), clockTolerance: 30 }));
    } catch (err) {
      throw new TokenRejectedError(reasonOf(err));
    }
    if (claimAt(payload, this.groupsClaim()) !== undefined) return payload;
    return { ...(await this.fromUserinfo(config, token, payload)), ...payload };
  }

  private async fromUserinfo(config: oidc.Configuration, token: string, payload: JWTPayload): Promise<Record<string, unknown>> {
    const key = crypto.createHash('sha256').update(token).digest('hex');
    const now = this.clock().getTime();
    const cached = this.userinfo.get(key);
    if (cached && cached.until > now) return cached.claims;
    if (!config.serverMetadata().userinfo_endpoint) return {};
    try {
      const claims = await oidc.fetchUserInfo(config, token, payload.sub!);
      if (this.userinfo.size >= USERINFO_CACHE) this.userinfo.clear();
      this.userinfo.set(key, { claims, until: Math.min((payload.exp ?? 0) * 1000, now + 5 * 60_000) });
      return claims;
    } catch {
      throw new TokenRejectedError('claims_invalid');
    }
  }
}

function reasonOf(err: unknown): TokenRejection {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'issuer_mismatch';
    if (err.claim === 'aud') return 'audience_mismatch';
    return 'claims_invalid';
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey) return 'signature_invalid';
  if (err instanceof joseErrors.JOSEAlgNotAllowed || err instanceof joseErrors.JOSENotSupported) return 'alg_rejected';
  if (err instanceof joseErrors.JWKSTimeout || (err as { code?: string }).code === 'ERR_JOSE_GENERIC') return 'provider_unreachable';
  return 'malformed';
}
