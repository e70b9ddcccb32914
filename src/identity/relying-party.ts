// Flurfunk as an OpenID Connect relying party (openid-client): discovery from the issuer,
// the authorization code flow with PKCE (S256), state and nonce, the ID token checked by
// openid-client (signature against the issuer's published keys, issuer, audience, expiry,
// nonce), and
// userinfo merged in for claims the ID token lacks. Discovery happens on first use and is
// retried after a failure, so Flurfunk starts while the identity provider is briefly away.
import * as oidc from 'openid-client';

export interface RelyingPartyOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly redirectUri: string;
  readonly scopes: string;
}

export interface LoginStart {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface LoginResult {
  /** ID token claims, with userinfo claims added where the ID token had none. */
  readonly claims: Record<string, unknown>;
  readonly idToken: string;
}

/** Why a sign-in was refused, in the words of the audit trail. */
export type SignInFailure =
  | 'no_login_request'
  | 'state_mismatch'
  | 'provider_error'
  | 'code_rejected'
  | 'id_token_signature_invalid'
  | 'id_token_alg_rejected'
  | 'id_token_expired'
  | 'nonce_mismatch'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'id_token_invalid'
  | 'claims_invalid'
  | 'provider_unreachable';

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    /** The library's code or the provider's error, for the log; never token contents. */
    readonly detail: string,
  ) {
    super(`sign-in refused: ${reason} (${detail})`);
  }
}

export class RelyingParty {
  private configuration: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: RelyingPartyOptions) {}

  get issuer(): string {
    return this.options.issuer;
  }

  /** The discovered configuration; a failed discovery is retried on the next call. */
  async config(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const url = new URL(this.options.issuer);
      // The token endpoint answers over TLS, so OpenID Connect lets a client skip the ID
      // token's signature; Flurfunk checks it anyway: the audit trail's "who signed in" then
      // rests on the provider's signature, not only on the connection it came over.
      const execute = [oidc.enableNonRepudiationChecks, ...(url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])];
      this.configuration = oidc
        .discovery(url, this.options.clientId, this.options.clientSecret, undefined, { execute })
        .catch((err: unknown) => {
          this.configuration = undefined;
          throw new SignInError('provider_unreachable', err instanceof Error ? (((err as { code?: string }).code ?? err.message).slice(0, 200)) : 'discovery failed');
        });
    }
    return this.configuration;
  }

  async start(): Promise<LoginStart> {
    const config = await this.config();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /** Exchanges the code from `callbackUrl`; throws SignInError saying why when anything is off. */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<LoginResult> {
    const config = await this.config();
    if (callbackUrl.searchParams.get('state') !== expected.state) throw new SignInError('state_mismatch', 'the state parameter does not match this browser’s sign-in');
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: expected.codeVerifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true });
    } catch (err) {
      throw classify(err);
    }
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) throw new SignInError('id_token_invalid', 'no ID token in the token response');
    let claims: Record<string, unknown> = { ...idClaims };
    if (tokens.access_token && config.serverMetadata().userinfo_endpoint) {
      try {
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        // The ID token's own claims win: they are signed; userinfo only fills gaps.
        claims = { ...userinfo, ...claims };
      } catch (err) {
        throw classify(err, 'claims_invalid');
      }
    }
    return { claims, idToken: tokens.id_token };
  }

  /** The provider's logout URL when it offers RP-initiated logout, else undefined. */
  async endSessionUrl(idTokenHint: string | undefined, postLogoutRedirectUri: string): Promise<URL | undefined> {
    let config: oidc.Configuration;
    try {
      config = await this.config();
    } catch {
      return undefined; // the local session is over either way
    }
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idTokenHint ? { id_token_hint: idTokenHint } : {}) });
  }
}

/**
 * Maps openid-client's and oauth4webapi's errors to the reasons the audit trail names. The
 * library wraps the specific failure ("unexpected JWT "nonce" claim value", "JWT signature
 * verification failed") as the cause of a generic one; both messages are read.
 */
function classify(err: unknown, fallback: SignInFailure = 'id_token_invalid'): SignInError {
  if (err instanceof oidc.AuthorizationResponseError) return new SignInError('provider_error', err.error);
  if (err instanceof oidc.ResponseBodyError) return new SignInError(err.error === 'invalid_grant' ? 'code_rejected' : 'provider_error', err.error);
  const e = err as { code?: string; message?: string; cause?: { message?: unknown } };
  const code = e.code ?? 'error';
  const inner = typeof e.cause?.message === 'string' ? e.cause.message : '';
  const text = `${e.message ?? ''} ${inner}`;
  const detail = `${code}: ${inner || e.message || ''}`.slice(0, 200);
  const rules: [RegExp, SignInFailure][] = [
    [/"nonce"/, 'nonce_mismatch'],
    [/"iss"/, 'issuer_mismatch'],
    [/"aud"|"azp"/, 'audience_mismatch'],
    [/"exp"|"iat"|"nbf"|"auth_time"|timestamp/i, 'id_token_expired'],
    [/signature/i, 'id_token_signature_invalid'],
    [/"alg"|algorithm/i, 'id_token_alg_rejected'],
    [/fetch failed|ECONNREFUSED|ENOTFOUND|timeout/i, 'provider_unreachable'],
  ];
  if (code === 'OAUTH_KEY_SELECTION_FAILED') return new SignInError('id_token_signature_invalid', detail);
  return new SignInError(rules.find(([pattern]) => pattern.test(text))?.[1] ?? fallback, detail);
}
