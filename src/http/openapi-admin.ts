// OpenAPI paths and schemas of the view administrators have of the active policy; spread into openapi.ts.
const problem = { description: 'An RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const signedIn = [{ session: [] }, { bearer: [] }];
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const text = { type: 'string' } as const;
const texts = { type: 'array', items: text } as const;
const nullableText = { type: ['string', 'null'] } as const;
const decision = { enum: ['allow', 'deny'] } as const;

export const adminPaths = {
  '/api/admin/policy': {
    get: {
      operationId: 'adminPolicy',
      summary:
        'The active policy set as administrators see it: version and when it was activated, its files, the last set the server refused (with each problem located by file and line, relative to the policy folder) while the active set kept deciding, the results of the set’s own test cases (failures first), and the vocabulary of the explain form (subjects with actions and fields, roles, spaces, known people). Needs read on Policy; 403 with the policy’s reason otherwise.',
      security: signedIn,
      responses: { '200': { description: 'The active policy', content: json('AdminPolicy') }, '401': problem, '403': problem },
    },
  },
  '/api/admin/policy/explain': {
    post: {
      operationId: 'adminExplain',
      summary:
        'Why the active set allows or denies an action: who (a known person by id, with the groups they last signed in with; or groups as the identity provider sends them, and roles to assume), the action, the subject and its fields → the decision, the deciding rule with file and line, and the reason of a denial. The same decision as `flurfunk policy explain`. Needs explain on Policy; 403 with the reason otherwise, before the question is looked at; 400 naming what is wrong with the question.',
      security: signedIn,
      requestBody: { required: true, content: json('ExplainQuestion') },
      responses: { '200': { description: 'The decision', content: json('Explanation') }, '400': problem, '401': problem, '403': problem },
    },
  },
  '/api/admin/spaces': {
    get: {
      operationId: 'adminSpaces',
      summary:
        'Every space of the active set — configuration, not content: also those the caller cannot read — with classification, who may read, post and moderate (roles and groups, with file and line), and the audience: the known people who can read it (and through which rule), and how many known people cannot. Needs read on Policy; 403 with the reason otherwise.',
      security: signedIn,
      responses: { '200': { description: 'The spaces', content: json('AdminSpaces') }, '401': problem, '403': problem },
    },
  },
} as const;

const located = {
  type: 'object',
  required: ['file', 'line', 'column', 'message', 'text'],
  additionalProperties: false,
  properties: {
    file: { type: ['string', 'null'], description: 'Relative to the policy folder; null when the problem names no place' },
    line: { type: ['integer', 'null'] },
    column: { type: ['integer', 'null'] },
    message: text,
    text: { type: 'string', description: 'The whole located line, as the server logged it' },
  },
} as const;

const rule = {
  type: ['object', 'null'],
  required: ['summary', 'file', 'line'],
  additionalProperties: false,
  description: 'The deciding rule; null when no rule allowed it (the default is deny)',
  properties: { summary: text, file: { type: ['string', 'null'], description: 'null for the built-in confidentiality guard' }, line: { type: ['integer', 'null'] } },
} as const;

const accessList = {
  type: 'object',
  required: ['roles', 'groups', 'file', 'line'],
  additionalProperties: false,
  properties: { roles: texts, groups: texts, file: text, line: { type: 'integer' } },
} as const;

export const adminSchemas = {
  AdminPolicy: {
    type: 'object',
    required: ['version', 'activatedAt', 'files', 'lastRejected', 'tests', 'vocabulary'],
    additionalProperties: false,
    properties: {
      version: { type: 'string', description: 'SHA-256 of the active set' },
      activatedAt: { type: 'string', format: 'date-time', description: 'When the set was activated (its PolicyActivated event)' },
      files: texts,
      lastRejected: {
        type: ['object', 'null'],
        required: ['at', 'version', 'problems'],
        additionalProperties: false,
        description: 'The last set the folder proposed and the server refused since the active one; null when none',
        properties: { at: { type: 'string', format: 'date-time' }, version: { type: ['string', 'null'], description: 'null when the set did not even compile' }, problems: { type: 'array', items: located } },
      },
      tests: {
        type: 'object',
        required: ['source', 'passed', 'failed', 'problems', 'cases'],
        additionalProperties: false,
        properties: {
          source: { enum: ['activation', 'folder'], description: 'activation: the cases the folder held when the set was activated; folder: the folder’s cases now (the set came from another process)' },
          passed: { type: 'integer' },
          failed: { type: 'integer' },
          problems: { type: 'array', items: located },
          cases: {
            type: 'array',
            description: 'Failures first',
            items: {
              type: 'object',
              required: ['name', 'file', 'line', 'expected', 'actual', 'ok', 'rule', 'reason', 'detail'],
              additionalProperties: false,
              properties: { name: text, file: text, line: { type: 'integer' }, expected: decision, actual: decision, ok: { type: 'boolean' }, rule, reason: nullableText, detail: text },
            },
          },
        },
      },
      vocabulary: {
        type: 'object',
        required: ['subjects', 'roles', 'spaces', 'people'],
        additionalProperties: false,
        properties: {
          subjects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'description', 'actions', 'fields'],
              additionalProperties: false,
              properties: {
                name: text,
                description: text,
                actions: texts,
                fields: { type: 'array', items: { type: 'object', required: ['name', 'kind'], additionalProperties: false, properties: { name: text, kind: { enum: ['text', 'list'] } } } },
              },
            },
          },
          roles: { type: 'array', items: { type: 'object', required: ['name', 'description'], additionalProperties: false, properties: { name: text, description: nullableText } } },
          spaces: { type: 'array', items: { type: 'object', required: ['id', 'title', 'classification'], additionalProperties: false, properties: { id: text, title: text, classification: text } } },
          people: { type: 'array', items: { type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: text, name: nullableText } } },
        },
      },
    },
  },
  ExplainQuestion: {
    type: 'object',
    required: ['action', 'subject'],
    additionalProperties: false,
    description: 'Name a person, or give groups and/or roles (with a person: that id with these groups)',
    properties: {
      person: { type: 'string', description: 'A person’s id; alone, they must have signed in once (their last groups are used)' },
      groups: { ...texts, maxItems: 50, description: 'Directory groups as the identity provider sends them (names, LDAP DNs, paths or aliases)' },
      roles: { ...texts, maxItems: 50, description: 'Roles of the active set to assume, beyond those the groups give' },
      action: text,
      subject: text,
      fields: { type: 'object', additionalProperties: { oneOf: [text, texts] }, description: 'The subject’s fields: texts, or lists of texts for list fields' },
    },
  },
  Explanation: {
    type: 'object',
    required: ['version', 'principal', 'action', 'subject', 'fields', 'decision', 'rule', 'reason', 'text'],
    additionalProperties: false,
    properties: {
      version: text,
      principal: {
        type: 'object',
        required: ['id', 'name', 'known', 'groups', 'roles'],
        additionalProperties: false,
        properties: { id: text, name: nullableText, known: { type: 'boolean' }, groups: texts, roles: texts },
      },
      action: text,
      subject: text,
      fields: { type: 'object', additionalProperties: { oneOf: [text, texts] } },
      decision,
      rule,
      reason: { type: ['string', 'null'], description: 'For a denial: the rule’s because, or "no rule allows it"' },
      text: { type: 'string', description: 'The answer in the CLI’s words' },
    },
  },
  AdminSpaces: {
    type: 'object',
    required: ['version', 'knownPeople', 'items'],
    additionalProperties: false,
    properties: {
      version: text,
      knownPeople: { type: 'integer' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'title', 'description', 'classification', 'file', 'line', 'read', 'post', 'moderate', 'audience'],
          additionalProperties: false,
          properties: {
            id: text,
            title: text,
            description: nullableText,
            classification: text,
            file: text,
            line: { type: 'integer' },
            read: accessList,
            post: { oneOf: [accessList, { type: 'null' }] },
            moderate: { oneOf: [accessList, { type: 'null' }] },
            audience: {
              type: 'object',
              required: ['count', 'notReaching', 'readers'],
              additionalProperties: false,
              properties: {
                count: { type: 'integer' },
                notReaching: { type: 'integer', description: 'Known people who cannot read it' },
                readers: { type: 'array', items: { type: 'object', required: ['id', 'name', 'via'], additionalProperties: false, properties: { id: text, name: nullableText, via: text } } },
              },
            },
          },
        },
      },
    },
  },
} as const;
