// Holds every answer the tests receive to the OpenAPI document: the status must be documented
// for the operation, and a JSON body must match the documented schema. Used by the API helper,
// so each integration test that calls the API also checks the contract.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { openApiDocument } from '../../src/http/openapi.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
// The whole document as one schema resource, so "#/components/..." resolves inside it.
ajv.addSchema({ $id: 'flurfunk-openapi', ...openApiDocument });

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const templates = Object.keys(openApiDocument.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  // Literal segments beat parameters: /api/notifications/read is not /api/notifications/{id}.
  literal: template.replace(/\{[^}]+\}/g, '').length,
}));
const validators = new Map<string, ValidateFunction>();

const pointer = (...segments: string[]) => segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** Throws unless the answer is documented for this request and its JSON body fits the schema. */
export function checkAnswer(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url).pathname;
  const match = templates.filter((t) => t.pattern.test(path)).sort((a, b) => b.literal - a.literal)[0];
  if (!match) throw new Error(`${method} ${path}: not in the OpenAPI document`);
  const operation = (openApiDocument.paths as Record<string, Record<string, Operation>>)[match.template]![method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${match.template}: method not in the OpenAPI document`);
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`${method} ${match.template}: status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
  if (!contentType || body === undefined) return;
  const mediaType = Object.keys(response.content ?? {}).find((t) => contentType.startsWith(t));
  if (!mediaType) throw new Error(`${method} ${match.template} ${status}: content type ${contentType} is not documented`);
  if (!response.content![mediaType]!.schema || !/json/.test(mediaType)) return;
  const ref = `flurfunk-openapi#/${pointer('paths', match.template, method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  if (!validate(body)) throw new Error(`${method} ${match.template} ${status}: the body does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
}
