// OpenAPI paths and schemas of the people directory, #topics, the Markdown preview and the
// limits: what the composer's completion, preview and counter, new conversations and profile
// pages need; spread into openapi.ts.
const problem = { description: 'An RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const signedIn = [{ session: [] }, { bearer: [] }];
const userId = { name: 'userId', in: 'path', required: true, schema: { type: 'string' } };
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

export const peoplePaths = {
  '/api/people': {
    get: {
      operationId: 'findPeople',
      summary: 'Up to 10 people whose name or id contains q (case-insensitive; those starting with it first): people who have signed in, are not erased, and whom the policy lets the caller see (read User)',
      security: signedIn,
      parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } }],
      responses: { '200': { description: 'Matching people', content: json('PersonPage') }, '400': problem, '401': problem },
    },
  },
  '/api/people/{userId}': {
    get: {
      operationId: 'getProfile',
      summary: 'A person’s profile: name, since when they use Flurfunk, whether the caller follows them, and what the caller may do (follow, message); 404 alike for unknown, erased and hidden people',
      security: signedIn,
      parameters: [userId],
      responses: { '200': { description: 'The profile', content: json('Profile') }, '401': problem, '404': problem },
    },
  },
  '/api/people/{userId}/posts': {
    get: {
      operationId: 'postsByPerson',
      summary: 'A person’s posts that the caller may read, newest first, paged by event position; 404 as for the profile',
      security: signedIn,
      parameters: [userId, { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } }, { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }],
      responses: { '200': { description: 'A page of posts', content: json('PostPage') }, '400': problem, '401': problem, '404': problem },
    },
  },
  '/api/topics': {
    get: {
      operationId: 'findTopics',
      summary: 'Up to 10 #topics starting with q (a leading # is ignored; empty q: the most used), counted over the newest 5,000 posts with topics that the caller may read, so a topic of a hidden space is never suggested',
      security: signedIn,
      parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 100 } }],
      responses: { '200': { description: 'Matching topics', content: json('TopicPage') }, '400': problem, '401': problem },
    },
  },
  '/api/preview': {
    post: {
      operationId: 'previewMarkdown',
      summary: 'Renders Markdown exactly as a post, comment or message will show it (raw HTML as text, only http(s) and mailto links); stores nothing',
      security: signedIn,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', required: ['text'], properties: { text: { type: 'string', description: 'Markdown; at most as many characters as the longest of the policy’s post, comment and message limits' } } } } },
      },
      responses: { '200': { description: 'The rendered HTML', content: json('Preview') }, '400': problem, '401': problem, '403': problem },
    },
  },
  '/api/limits': {
    get: {
      operationId: 'getLimits',
      summary: 'The active policy’s limits for what people write: text lengths in characters, attachment size and allowed types',
      security: signedIn,
      responses: { '200': { description: 'The limits', content: json('Limits') }, '401': problem },
    },
  },
} as const;

const person = { type: 'object', required: ['id', 'name'], additionalProperties: false, properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } };

export const peopleSchemas = {
  PersonPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: person }, next: { type: 'null' } } },
  Profile: {
    type: 'object',
    required: ['id', 'name', 'firstSeenAt', 'following', 'may'],
    additionalProperties: false,
    properties: {
      id: { type: 'string' },
      name: { type: ['string', 'null'] },
      firstSeenAt: { type: 'string', format: 'date-time', description: 'Their first sign-in' },
      following: { type: 'boolean' },
      may: { type: 'object', required: ['follow', 'message'], properties: { follow: { type: 'boolean' }, message: { type: 'boolean' } } },
    },
  },
  Preview: { type: 'object', required: ['html'], additionalProperties: false, properties: { html: { type: 'string', description: 'Safe to insert into a page' } } },
  Limits: {
    type: 'object',
    required: ['postLength', 'commentLength', 'messageLength', 'attachments'],
    additionalProperties: false,
    properties: {
      postLength: { type: 'integer', description: 'Characters (as people count them) in a post' },
      commentLength: { type: 'integer' },
      messageLength: { type: 'integer' },
      attachments: {
        type: 'object',
        required: ['maxBytes', 'types'],
        additionalProperties: false,
        properties: { maxBytes: { type: 'integer' }, types: { type: 'array', items: { type: 'string' }, description: 'Media types allowed, as found in the content' } },
      },
    },
  },
  TopicPage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items: { type: 'object', required: ['topic', 'posts'], additionalProperties: false, properties: { topic: { type: 'string' }, posts: { type: 'integer', description: 'Readable posts naming it' } } } },
      next: { type: 'null' },
    },
  },
} as const;
