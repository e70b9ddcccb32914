// The OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json. Grows with every
// route; test/integration/http.test.ts calls each documented operation and checks the answer.
import { version } from '../version.js';

const problem = {
  description: 'An RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Flurfunk API',
    version,
    description: 'Internal microblogging with compliance at its core. Every response carries an X-Request-Id header; errors are application/problem+json.',
  },
  paths: {
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Liveness: the process is up',
        responses: { '200': { description: 'Alive', content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } } } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        summary: 'Readiness: the database answers, migrations are applied, and the process is not shutting down',
        responses: {
          '200': { description: 'Ready', content: { 'application/json': { schema: { $ref: '#/components/schemas/Readiness' } } } },
          '503': problem,
        },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: { '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
  components: {
    schemas: {
      Status: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
      Readiness: {
        type: 'object',
        required: ['status', 'database', 'head', 'policyVersion'],
        properties: {
          status: { const: 'ready' },
          database: { enum: ['postgres', 'pglite'] },
          head: { type: 'integer', description: 'Position of the newest event' },
          policyVersion: { type: ['string', 'null'], description: 'Version (SHA-256) of the active policy set; null when this process runs without one' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          instance: { type: 'string' },
          requestId: { type: 'string' },
        },
      },
    },
  },
} as const;
