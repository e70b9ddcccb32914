// Validates a parsed YAML file against a schema and turns ajv's errors into located messages
// an admin can act on: which key, where, and what was expected instead.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { policyFileSchema, policyTestFileSchema } from './schema.js';
import { closest, didYouMean } from './suggest.js';
import type { PolicyProblem, YamlSource } from './yaml-source.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
export const validatePolicyFile: ValidateFunction = ajv.compile(policyFileSchema);
export const validatePolicyTestFile: ValidateFunction = ajv.compile(policyTestFileSchema);

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function where(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the file' : path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

function expected(e: ErrorObject): string {
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  return description ? `expected ${description}` : (e.message ?? 'invalid');
}

function shown(value: unknown): string {
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** A schema problem, with the path of the value it is about. */
export interface SchemaProblem extends PolicyProblem {
  readonly path: readonly (string | number)[];
}

function describe(e: ErrorObject, source: YamlSource): SchemaProblem | undefined {
  const p = describeAt(e, source);
  return p && { ...p, path: pathOf(e.instancePath) };
}

function describeAt(e: ErrorObject, source: YamlSource): PolicyProblem | undefined {
  const path = pathOf(e.instancePath);
  switch (e.keyword) {
    case 'if':
      return undefined; // the failing then/else branch reports the detail
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      return { ...source.locate(path, key), message: `${where(path)}: unknown key "${key}"${didYouMean(key, allowed)}; expected one of: ${allowed.join(', ')}` };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { ...source.locate(path), message: `${where(path)}: "${missing}" is missing` };
    }
    case 'propertyNames': {
      const name = (e.params as { propertyName: string }).propertyName;
      return { ...source.locate(path, name), message: `${where(path)}: "${name}" is not a valid name` };
    }
    case 'pattern':
    case 'format': {
      const key = path.at(-1);
      const parent = path.slice(0, -1);
      const at = typeof key === 'string' && (e.parentSchema as { description?: string }).description?.includes('name') ? source.locate(parent, key) : source.locate(path);
      return { ...at, message: `${where(path)}: ${shown(e.data)} is not valid; ${expected(e)}` };
    }
    case 'uniqueItems':
      return { ...source.locate(path), message: `${where(path)}: lists an entry twice` };
    case 'minProperties':
      return { ...source.locate(path), message: `${where(path)}: is empty; ${expected(e)}` };
    case 'maxProperties':
      return { ...source.locate(path), message: `${where(path)}: has more than one entry; ${expected(e)}` };
    default:
      return { ...source.locate(path), message: `${where(path)}: ${e.data === undefined ? '' : `${shown(e.data)} is not valid; `}${expected(e)}` };
  }
}

/** Located problems of one file against `validate`, each reported once. */
export function schemaProblems(validate: ValidateFunction, value: unknown, source: YamlSource): SchemaProblem[] {
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // "unknown key clasification (did you mean classification?)" already says that classification
  // is missing; saying it twice would read as two problems.
  const typos = new Set(
    errors.flatMap((e) => {
      if (e.keyword !== 'additionalProperties') return [];
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const meant = closest((e.params as { additionalProperty: string }).additionalProperty, allowed);
      return meant === undefined ? [] : [`${e.instancePath}\u0000${meant}`];
    }),
  );
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    if (e.keyword === 'required' && typos.has(`${e.instancePath}\u0000${(e.params as { missingProperty: string }).missingProperty}`)) continue;
    const p = describe(e, source);
    if (!p) continue;
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ ...p, file: source.file });
  }
  return problems;
}
