// The audit event catalogue (audit/event-catalogue.yaml) as the code uses it: read and checked
// once, every event's schema compiled with ajv (JSON Schema 2020-12), and `check`, which the
// runtime's event store runs on every proposed event before anything is written. An event the
// catalogue does not describe cannot enter the chain, so the DPOs' catalogue stays complete.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { InvalidEventError } from '../errors.js';
import type { JsonObject, NewEvent } from '../events/types.js';
import { packageRoot } from '../version.js';

export const CATALOGUE_FILE = path.join(packageRoot, 'audit', 'event-catalogue.yaml');

export interface CatalogueEntry {
  readonly type: string;
  readonly category: string;
  readonly categoryTitle: string;
  /** Stream templates: `{field}` stands for that field of the event's data. */
  readonly streams: readonly string[];
  readonly description: string;
  /** What personal content the event carries sealed, in words; undefined when none. */
  readonly sealed: string | undefined;
  readonly schema: JsonObject;
}

interface Compiled {
  readonly entry: CatalogueEntry;
  readonly validate: ValidateFunction;
  readonly streams: readonly { readonly pattern: RegExp; readonly fields: readonly string[] }[];
}

// The shape of the file itself; each entry's `schema` is then compiled against the 2020-12 meta-schema.
const FILE_SCHEMA = {
  type: 'object',
  required: ['categories', 'events'],
  properties: {
    categories: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', minLength: 1 } },
    shapes: { type: 'object' },
    events: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Z][A-Za-z0-9]{0,99}$' },
      additionalProperties: {
        type: 'object',
        required: ['category', 'streams', 'description', 'schema'],
        properties: {
          category: { type: 'string' },
          streams: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z-]+(:\\{[A-Za-z]+\\})?$' } },
          description: { type: 'string', minLength: 20 },
          sealed: { type: 'string', minLength: 3 },
          schema: { type: 'object', required: ['type'], properties: { type: { const: 'object' } } },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

function newAjv(): Ajv2020 {
  // strict: a misspelt keyword ("requried") is an error, not a silently ignored annotation.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: false });
  addFormats.default(ajv);
  return ajv;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function streamTemplate(template: string): { pattern: RegExp; fields: string[] } {
  const fields: string[] = [];
  const source = template
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => {
      const field = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
      if (!field) return escape(part);
      fields.push(field);
      return '(.+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`, 's'), fields };
}

/** Where and what: "data/postId must match format "uuid"". */
function located(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; missingProperty?: string };
  const at = `data${error.instancePath}`;
  if (error.keyword === 'additionalProperties') return `${at}/${params.additionalProperty} is not allowed (the schema has no such property)`;
  if (error.keyword === 'required') return `${at}/${params.missingProperty} is missing (required)`;
  return `${at} ${error.message ?? 'is invalid'}`;
}

export class EventCatalogue {
  private readonly byType: ReadonlyMap<string, Compiled>;

  private constructor(compiled: readonly Compiled[]) {
    this.byType = new Map(compiled.map((c) => [c.entry.type, c]));
  }

  /** Reads, checks and compiles a catalogue file; throws naming the entry that is wrong. */
  static load(file: string = CATALOGUE_FILE): EventCatalogue {
    const parsed: unknown = YAML.parse(fs.readFileSync(file, 'utf8'), { maxAliasCount: 1_000 });
    const ajv = newAjv();
    const checkFile = ajv.compile(FILE_SCHEMA);
    if (!checkFile(parsed)) throw new Error(`${file}: ${(checkFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ')}`);
    const { categories, events } = parsed as { categories: Record<string, string>; events: Record<string, Omit<CatalogueEntry, 'type' | 'categoryTitle'>> };
    const compiled = Object.entries(events).map(([type, raw]): Compiled => {
      const categoryTitle = categories[raw.category];
      if (categoryTitle === undefined) throw new Error(`${file}: ${type}: category "${raw.category}" is not one of ${Object.keys(categories).join(', ')}`);
      let validate: ValidateFunction;
      try {
        validate = ajv.compile(raw.schema);
      } catch (err) {
        throw new Error(`${file}: ${type}: the schema is not valid JSON Schema: ${(err as Error).message}`, { cause: err });
      }
      const entry: CatalogueEntry = { type, category: raw.category, categoryTitle, streams: raw.streams, description: raw.description.trim(), sealed: raw.sealed, schema: raw.schema };
      return { entry, validate, streams: raw.streams.map(streamTemplate) };
    });
    return new EventCatalogue(compiled);
  }

  get entries(): readonly CatalogueEntry[] {
    return [...this.byType.values()].map((c) => c.entry);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  /** Throws InvalidEventError, naming the type and what is wrong where, unless every event fits the catalogue. */
  check(streamId: string, events: readonly NewEvent[]): void {
    events.forEach((event, i) => {
      const compiled = this.byType.get(event.type);
      const what = `event ${i} (${event.type})`;
      if (!compiled) throw new InvalidEventError(`${what}: the type is not in the audit event catalogue (audit/event-catalogue.yaml); describe it there first`);
      if (!compiled.validate(event.data)) throw new InvalidEventError(`${what}: ${located(compiled.validate.errors![0]!)}`);
      if (event.personal !== undefined && compiled.entry.sealed === undefined) {
        throw new InvalidEventError(`${what}: carries sealed personal content, but the catalogue says it has none`);
      }
      const fits = compiled.streams.some(({ pattern, fields }) => {
        const match = pattern.exec(streamId);
        // A placeholder that names a field of the data must be that field's value (post:{postId}).
        return match !== null && fields.every((field, k) => typeof event.data[field] !== 'string' || event.data[field] === match[k + 1]);
      });
      if (!fits) throw new InvalidEventError(`${what}: stream "${streamId}" is not where the catalogue records it (${compiled.entry.streams.join(', ')})`);
    });
  }
}

let shipped: EventCatalogue | undefined;

/** The shipped catalogue, loaded and compiled once per process. */
export function eventCatalogue(): EventCatalogue {
  shipped ??= EventCatalogue.load();
  return shipped;
}
