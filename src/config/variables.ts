// The configuration variables Flurfunk reads, each with the JSON Schema its raw string must
// satisfy and the words an operator sees when it does not. One table, so README, --help and
// validation cannot drift apart.
export interface VariableSpec {
  /** What a valid value looks like, in words; used in error messages and `--help`. */
  readonly expected: string;
  /** Default as documented; `undefined` means "not set". */
  readonly default?: string;
  readonly schema: Record<string, unknown>;
  /** Secret values never appear in messages or logs. */
  readonly secret?: boolean;
}

const integer = (min: number, max: number) => ({ type: 'string', pattern: '^[0-9]{1,9}$', minimumValue: min, maximumValue: max });
const path = { type: 'string', minLength: 1 };
const url = (protocols: string[]) => ({ type: 'string', urlProtocols: protocols });

/** One trusted proxy: a named range, or an IPv4/IPv6 address (it has a dot or colon) with an optional prefix. */
const PROXY_ITEM = '(?:loopback|linklocal|uniquelocal|(?=[0-9A-Fa-f:.]*[.:])[0-9A-Fa-f:.]+(?:/[0-9]{1,3})?)';

export const variables = {
  NODE_ENV: { expected: 'one of development, test, production', default: 'development', schema: { type: 'string', enum: ['development', 'test', 'production'] } },
  LOG_LEVEL: { expected: 'one of fatal, error, warn, info, debug, trace, silent', default: 'info', schema: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] } },
  DATABASE_URL: { expected: 'a postgres:// or postgresql:// URL, e.g. postgres://flurfunk@db.example:5432/flurfunk; unset for the embedded database', schema: url(['postgres:', 'postgresql:']), secret: true },
  DATABASE_POOL_MAX: { expected: 'an integer from 2 to 200 (connections per process to DATABASE_URL)', default: '10', schema: integer(2, 200) },
  FLURFUNK_DATA_DIR: { expected: 'a folder path', default: './data', schema: path },
  POLICY_DIR: { expected: 'a folder path', default: './policies', schema: path },
  HOST: { expected: 'an interface address to listen on', default: '127.0.0.1 (0.0.0.0 when NODE_ENV=production)', schema: { type: 'string', minLength: 1 } },
  TRUST_PROXY: {
    expected: 'the reverse proxies whose X-Forwarded-For names the client: loopback, a number of hops (1–9), or comma-separated addresses and CIDR ranges; unset: none (the socket address is the client)',
    schema: { type: 'string', pattern: `^(?:[1-9]|${PROXY_ITEM}(?:\\s*,\\s*${PROXY_ITEM})*)$` },
  },
  PORT: { expected: 'an integer from 0 to 65535 (0 picks a free port)', default: '3000', schema: integer(0, 65535) },
  PUBLIC_URL: { expected: 'the http:// or https:// URL users reach Flurfunk at, without a path', default: 'http://localhost:$PORT', schema: url(['http:', 'https:']) },
  OIDC_ISSUER: { expected: 'the https:// issuer URL of the OpenID provider (http:// only for localhost)', schema: url(['http:', 'https:']) },
  OIDC_CLIENT_ID: { expected: 'the client id registered at the OpenID provider', schema: { type: 'string', minLength: 1 } },
  OIDC_CLIENT_SECRET: { expected: 'the client secret registered at the OpenID provider', schema: { type: 'string', minLength: 1 }, secret: true },
  OIDC_GROUPS_CLAIM: { expected: 'the name (or dotted path) of the claim that lists directory groups; overrides claims.groups of the policy', default: 'claims.groups of the policy (groups)', schema: { type: 'string', minLength: 1 } },
  OIDC_SCOPES: { expected: 'the space-separated scopes to ask the OpenID provider for; must include openid', default: 'openid profile email', schema: { type: 'string', pattern: '(^| )openid( |$)' } },
  OIDC_API_AUDIENCE: { expected: 'the audience (aud) that bearer access tokens for the API must carry', default: '$PUBLIC_URL/api', schema: { type: 'string', minLength: 1 } },
  SESSION_IDLE_MINUTES: { expected: 'an integer from 1 to 10080 (minutes without a request before a session ends)', default: '120', schema: integer(1, 10_080) },
  SESSION_MAX_HOURS: { expected: 'an integer from 1 to 720 (hours after sign-in when a session ends regardless)', default: '12', schema: integer(1, 720) },
  FLURFUNK_DEV_USERS: { expected: 'the YAML file of demo users for the development identity provider', default: './dev/demo-users.yaml', schema: path },
  TLS_CERT: { expected: 'a PEM certificate file (set together with TLS_KEY)', schema: path },
  TLS_KEY: { expected: 'a PEM private key file (set together with TLS_CERT)', schema: path },
  FLURFUNK_INSTALLATION_KEY_FILE: { expected: 'a file holding the 32-byte installation key in base64', default: '$FLURFUNK_DATA_DIR/keys/installation.key', schema: path },
  FLURFUNK_SIGNING_KEY_FILE: { expected: 'a PEM RSA private key file for checkpoint and export signatures', default: '$FLURFUNK_DATA_DIR/keys/signing-key.pem', schema: path },
  FLURFUNK_SIGNING_CERT_FILE: { expected: 'the PEM X.509 certificate of the signing key', default: '$FLURFUNK_DATA_DIR/keys/signing-cert.pem', schema: path },
  FLURFUNK_CHECKPOINT_FILE: { expected: 'a file to which signed checkpoints are appended as JSON lines', default: '$FLURFUNK_DATA_DIR/checkpoints.jsonl', schema: path },
  FLURFUNK_CHECKPOINT_EVERY: { expected: 'an integer from 1 to 1000000 (events between signed checkpoints)', default: '1000', schema: integer(1, 1_000_000) },
  FLURFUNK_CHECKPOINT_INTERVAL: { expected: 'an integer from 1 to 86400 (seconds between signed checkpoints while events arrive)', default: '60', schema: integer(1, 86_400) },
  FLURFUNK_RETENTION_INTERVAL: { expected: 'an integer from 0 to 604800 (seconds between the server\'s retention runs; 0: no scheduled runs)', default: '3600', schema: integer(0, 604_800) },
  FLURFUNK_CONFIG: { expected: 'a JSON file with any of these variables as keys (the environment wins)', schema: path },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
export const variableNames = Object.keys(variables) as VariableName[];
