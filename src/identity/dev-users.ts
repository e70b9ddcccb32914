// The demo people of the development identity provider, from a YAML file (dev/demo-users.yaml
// by default). Validated like every other file Flurfunk reads: a wrong key stops the start
// with the file and what was expected.
import fs from 'node:fs';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { ConfigError } from '../errors.js';

export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly groups: readonly string[];
}

interface RawFile {
  users: Record<string, { name: string; email: string; password: string; groups: string[] }>;
}

const validate = new Ajv({ allErrors: true, strict: true }).compile<RawFile>({
  type: 'object',
  required: ['users'],
  additionalProperties: false,
  properties: {
    users: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z][a-z0-9._-]{0,63}$' },
      additionalProperties: {
        type: 'object',
        required: ['name', 'email', 'password', 'groups'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          email: { type: 'string', minLength: 3 },
          password: { type: 'string', minLength: 1 },
          groups: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        },
      },
    },
  },
});

export function loadDemoUsers(file: string): ReadonlyMap<string, DemoUser> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`FLURFUNK_DEV_USERS: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (err) {
    throw new ConfigError([`FLURFUNK_DEV_USERS: ${file} is not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
  if (!validate(parsed)) {
    throw new ConfigError((validate.errors ?? []).map((e) => `FLURFUNK_DEV_USERS: ${file}${e.instancePath.replaceAll('/', '.') || ' (top level)'}: ${e.message ?? 'invalid'}${e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : ''}`));
  }
  return new Map(Object.entries(parsed.users).map(([id, u]) => [id, { id, ...u }]));
}
