// Loads configuration once from the environment (and an optional JSON file), validates every
// variable with ajv, and returns a frozen, typed object. A wrong value is never coerced or
// replaced by a default: it stops the process with a message naming the variable.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { ConfigError } from '../errors.js';
import { variables, variableNames, type VariableName } from './variables.js';

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Set: a PostgreSQL server; unset: the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly dataDir: string;
  readonly policyDir: string;
  readonly host: string;
  /** Express's "trust proxy": false, a hop count, or the proxies' addresses. */
  readonly trustProxy: false | number | string;
  readonly port: number;
  readonly publicUrl: string;
  readonly oidc: {
    readonly issuer?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
    /** Unset: the policy's claims.groups decides. */
    readonly groupsClaim?: string;
    readonly scopes: string;
    readonly apiAudience: string;
    /** The development provider's demo users (used only when no issuer is set). */
    readonly devUsersFile: string;
  };
  readonly sessions: { readonly idleMinutes: number; readonly maxHours: number };
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  readonly keys: { readonly installationKeyFile: string; readonly signingKeyFile: string; readonly signingCertFile: string };
  readonly checkpoints: { readonly file: string; readonly everyEvents: number; readonly intervalSeconds: number };
  /** Seconds between the server's retention runs; 0: none (run them with `flurfunk retention run`). */
  readonly retention: { readonly intervalSeconds: number };
}

type Raw = Partial<Record<VariableName, string>>;

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addKeyword({
  keyword: 'urlProtocols',
  type: 'string',
  schemaType: 'array',
  validate: (protocols: string[], value: string) => {
    if (!URL.canParse(value)) return false;
    const u = new URL(value);
    return protocols.includes(u.protocol) && u.hostname !== '';
  },
});
ajv.addKeyword({ keyword: 'minimumValue', type: 'string', schemaType: 'number', validate: (min: number, v: string) => Number(v) >= min });
ajv.addKeyword({ keyword: 'maximumValue', type: 'string', schemaType: 'number', validate: (max: number, v: string) => Number(v) <= max });

const validateRaw = ajv.compile<Raw>({
  type: 'object',
  properties: Object.fromEntries(variableNames.map((name) => [name, variables[name].schema])),
  additionalProperties: false,
});

function describeValue(name: VariableName, value: unknown): string {
  if ('secret' in variables[name]) return 'a value that is not shown because it is secret';
  return JSON.stringify(value);
}

function readConfigFile(file: string): Raw {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`FLURFUNK_CONFIG: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`FLURFUNK_CONFIG: ${file} is not valid JSON (${(err as Error).message})`]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`FLURFUNK_CONFIG: ${file} must hold a JSON object of variable names to string values`]);
  }
  const problems: string[] = [];
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(key in variables) || key === 'FLURFUNK_CONFIG') problems.push(`${file}: unknown key "${key}"; expected one of ${variableNames.filter((n) => n !== 'FLURFUNK_CONFIG').join(', ')}`);
    else if (typeof value !== 'string' && typeof value !== 'number') problems.push(`${file}: ${key} must be a string`);
    else raw[key] = String(value);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return raw;
}

/** Reads and validates configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const fromEnv: Raw = {};
  for (const name of variableNames) {
    const value = env[name];
    // An empty variable is treated as unset, as shells and compose files produce them freely.
    if (value !== undefined && value !== '') fromEnv[name] = value;
  }
  const raw: Raw = { ...(fromEnv.FLURFUNK_CONFIG ? readConfigFile(fromEnv.FLURFUNK_CONFIG) : {}), ...fromEnv };

  if (!validateRaw(raw)) {
    const problems = (validateRaw.errors ?? []).map((e) => {
      const name = e.instancePath.slice(1) as VariableName;
      return `${name}: expected ${variables[name].expected}, got ${describeValue(name, raw[name])}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }

  const problems: string[] = [];
  if ((raw.TLS_CERT === undefined) !== (raw.TLS_KEY === undefined)) {
    problems.push(`${raw.TLS_CERT === undefined ? 'TLS_CERT' : 'TLS_KEY'}: expected to be set together with ${raw.TLS_CERT === undefined ? 'TLS_KEY' : 'TLS_CERT'}`);
  }
  if (raw.OIDC_ISSUER !== undefined) {
    const issuer = new URL(raw.OIDC_ISSUER);
    if (issuer.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)) {
      problems.push(`OIDC_ISSUER: expected ${variables.OIDC_ISSUER.expected}, got ${JSON.stringify(raw.OIDC_ISSUER)}`);
    }
    if (raw.OIDC_CLIENT_ID === undefined) problems.push('OIDC_CLIENT_ID: expected to be set when OIDC_ISSUER is set');
  }
  if (raw.PUBLIC_URL !== undefined && new URL(raw.PUBLIC_URL).pathname !== '/') {
    problems.push(`PUBLIC_URL: expected ${variables.PUBLIC_URL.expected}, got ${JSON.stringify(raw.PUBLIC_URL)}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const nodeEnv = (raw.NODE_ENV ?? 'development') as Config['env'];
  const dataDir = path.resolve(raw.FLURFUNK_DATA_DIR ?? './data');
  const port = Number(raw.PORT ?? '3000');
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const inData = (...parts: string[]) => path.join(dataDir, ...parts);
  const config: Config = {
    env: nodeEnv,
    logLevel: (raw.LOG_LEVEL ?? 'info') as Config['logLevel'],
    databaseUrl: raw.DATABASE_URL,
    databasePoolMax: Number(raw.DATABASE_POOL_MAX ?? '10'),
    dataDir,
    policyDir: path.resolve(raw.POLICY_DIR ?? './policies'),
    host: raw.HOST ?? (nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1'),
    trustProxy: raw.TRUST_PROXY === undefined ? false : /^[0-9]+$/.test(raw.TRUST_PROXY) ? Number(raw.TRUST_PROXY) : raw.TRUST_PROXY,
    port,
    publicUrl,
    oidc: {
      issuer: raw.OIDC_ISSUER,
      clientId: raw.OIDC_CLIENT_ID,
      clientSecret: raw.OIDC_CLIENT_SECRET,
      groupsClaim: raw.OIDC_GROUPS_CLAIM,
      scopes: raw.OIDC_SCOPES ?? 'openid profile email',
      apiAudience: raw.OIDC_API_AUDIENCE ?? `${publicUrl}/api`,
      devUsersFile: path.resolve(raw.FLURFUNK_DEV_USERS ?? './dev/demo-users.yaml'),
    },
    sessions: { idleMinutes: Number(raw.SESSION_IDLE_MINUTES ?? '120'), maxHours: Number(raw.SESSION_MAX_HOURS ?? '12') },
    tls: raw.TLS_CERT !== undefined && raw.TLS_KEY !== undefined ? { cert: path.resolve(raw.TLS_CERT), key: path.resolve(raw.TLS_KEY) } : undefined,
    keys: {
      installationKeyFile: path.resolve(raw.FLURFUNK_INSTALLATION_KEY_FILE ?? inData('keys', 'installation.key')),
      signingKeyFile: path.resolve(raw.FLURFUNK_SIGNING_KEY_FILE ?? inData('keys', 'signing-key.pem')),
      signingCertFile: path.resolve(raw.FLURFUNK_SIGNING_CERT_FILE ?? inData('keys', 'signing-cert.pem')),
    },
    checkpoints: {
      file: path.resolve(raw.FLURFUNK_CHECKPOINT_FILE ?? inData('checkpoints.jsonl')),
      everyEvents: Number(raw.FLURFUNK_CHECKPOINT_EVERY ?? '1000'),
      intervalSeconds: Number(raw.FLURFUNK_CHECKPOINT_INTERVAL ?? '60'),
    },
    retention: { intervalSeconds: Number(raw.FLURFUNK_RETENTION_INTERVAL ?? '3600') },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
