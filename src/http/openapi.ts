// The OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json. Grows with every
// route; test/integration/http.test.ts calls each documented operation and checks the answer.
import { REACTIONS } from '../posts/post-social.js';
import { version } from '../version.js';
import { adminPaths, adminSchemas } from './openapi-admin.js';
import { peoplePaths, peopleSchemas } from './openapi-people.js';

const problem = {
  description: 'An RFC 9457 problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** A change that is stored but not yet in the read models (they lag more than 10 s). */
const accepted = {
  description: 'Stored (the event is appended) but not yet visible in lists: problem type read_model_lag. Do not send it again; a retry with the same Idempotency-Key gets this answer again.',
  content: problem.content,
};
const signedIn = [{ session: [] }, { bearer: [] }];
const spaceId = { name: 'spaceId', in: 'path', required: true, schema: { type: 'string' } };
const cursor = { name: 'cursor', in: 'query', required: false, description: 'The "next" value of the previous page', schema: { type: 'string' } };
/** `{ "text": "Markdown" }`, the body of posts, edits and comments. */
const textBody = { required: true, content: { 'application/json': { schema: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1 } } } } } };
/** `{ "text": "Markdown", "attachments": [ids] }`, the body of new posts and messages. */
const contentBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['text'],
        additionalProperties: false,
        properties: {
          text: { type: 'string', minLength: 1 },
          attachments: { type: 'array', maxItems: 10, items: { type: 'string', format: 'uuid' }, description: 'Ids of the sender’s own unattached uploads to the same space or conversation (POST /api/attachments)' },
        },
      },
    },
  },
};
const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: false, description: 'Any 1–200 printable ASCII characters, unique per request you mean; kept for 24 hours', schema: { type: 'string' } };
const postId = { name: 'postId', in: 'path', required: true, schema: { type: 'string' } };
const conversationId = { name: 'conversationId', in: 'path', required: true, schema: { type: 'string' } };
const exportId = { name: 'exportId', in: 'path', required: true, schema: { type: 'string' } };
const holdId = { name: 'holdId', in: 'path', required: true, schema: { type: 'string' } };
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const person = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } };
/** A retention period as employees see it. */
const period = { type: 'object', required: ['keep', 'because'], additionalProperties: false, properties: { keep: { type: ['string', 'null'], description: 'ISO 8601 duration; null: kept until erased on request' }, because: { type: ['string', 'null'] } } };
const rule = { type: 'object', required: ['subject', 'keep', 'at'], properties: { subject: { type: 'string' }, space: { type: 'string' }, classification: { type: 'string' }, keep: { type: 'string' }, at: { type: 'string', description: 'policy file and line' } } };
const limit = { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } };
const postAnswer = { description: 'The post as the caller now sees it', content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } };
const postPage = { description: 'A page of posts', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostPage' } } } };
/** `{ "reason": "…" }`, the stated reason of a privileged read. */
const reasonBody = {
  required: true,
  content: { 'application/json': { schema: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 10, maxLength: 500, description: 'Why the content must be read (trimmed; 10–500 characters). Sealed in the event; data-protection officers see it in audit exports, the notice does not show it.' } } } } },
};
const reaction = { name: 'reaction', in: 'path', required: true, schema: { enum: [...REACTIONS] } };

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
    '/auth/login': {
      get: {
        operationId: 'signIn',
        summary: 'Start a browser sign-in: redirects to the identity provider (authorization code flow with PKCE, state and nonce)',
        parameters: [{ name: 'returnTo', in: 'query', required: false, description: 'A path on this site to come back to after sign-in; anything else is replaced by "/"', schema: { type: 'string' } }],
        responses: {
          '302': { description: 'To the identity provider; sets the short-lived login cookie' },
          '429': problem,
          '503': problem,
        },
      },
    },
    '/auth/callback': {
      get: {
        operationId: 'signInCallback',
        summary: 'Where the identity provider sends the browser back (register PUBLIC_URL + /auth/callback as redirect URI)',
        responses: {
          '303': { description: 'Signed in: a new session cookie, and on to returnTo' },
          '400': { description: 'Sign-in refused (state, code or ID token not acceptable); recorded as SignInFailed', content: { 'text/html': { schema: { type: 'string' } } } },
          '429': problem,
        },
      },
    },
    '/auth/logout': {
      post: {
        operationId: 'signOut',
        summary: 'End the session (needs X-CSRF-Token, or a csrfToken form field); then the provider’s own sign-out when it offers RP-initiated logout',
        responses: {
          '200': { description: 'Signed out (Accept: application/json)', content: { 'application/json': { schema: { $ref: '#/components/schemas/SignedOut' } } } },
          '303': { description: 'Signed out: on to the provider’s sign-out page, or "/"' },
          '401': problem,
          '403': problem,
        },
      },
    },
    '/api/spaces': {
      get: {
        operationId: 'listSpaces',
        summary: 'The spaces the caller may read (from the active policy), with what they may do there and whether they follow or muted each',
        security: signedIn,
        responses: { '200': { description: 'Readable spaces', content: { 'application/json': { schema: { $ref: '#/components/schemas/SpacePage' } } } }, '401': problem },
      },
    },
    '/api/spaces/{spaceId}/follow': {
      put: { operationId: 'followSpace', summary: 'Follow a space', security: signedIn, parameters: [spaceId], responses: { '202': accepted, '204': { description: 'Following' }, '401': problem, '403': problem, '404': problem } },
      delete: { operationId: 'unfollowSpace', summary: 'Stop following a space', security: signedIn, parameters: [spaceId], responses: { '202': accepted, '204': { description: 'Not following' }, '401': problem, '404': problem } },
    },
    '/api/spaces/{spaceId}/mute': {
      put: { operationId: 'muteSpace', summary: 'Mute a space', security: signedIn, parameters: [spaceId], responses: { '202': accepted, '204': { description: 'Muted' }, '401': problem, '404': problem } },
      delete: { operationId: 'unmuteSpace', summary: 'Unmute a space', security: signedIn, parameters: [spaceId], responses: { '202': accepted, '204': { description: 'Not muted' }, '401': problem, '404': problem } },
    },
    '/api/spaces/{spaceId}/audience': {
      get: {
        operationId: 'spaceAudience',
        summary: 'Who will be able to read a post in this space: the known people (everyone who has signed in) the active policy lets read it, and how many it does not',
        security: signedIn,
        parameters: [spaceId],
        responses: { '200': { description: 'The audience', content: { 'application/json': { schema: { $ref: '#/components/schemas/Audience' } } } }, '401': problem, '404': problem },
      },
    },
    '/api/spaces/{spaceId}/posts': {
      get: {
        operationId: 'listPosts',
        summary: 'Posts of a space the caller may read, newest first, paged by event position; 404 for a space that does not exist or is hidden',
        security: signedIn,
        parameters: [spaceId, cursor, limit],
        responses: { '200': { description: 'A page of posts', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostPage' } } } }, '400': problem, '401': problem, '404': problem },
      },
      post: {
        operationId: 'createPost',
        summary: 'Post into a space (Markdown text up to the policy limit); needs the current guideline accepted. With an Idempotency-Key, a retry gets the first answer (header Idempotent-Replayed: true) instead of a second post.',
        security: signedIn,
        parameters: [spaceId, idempotencyKey],
        requestBody: contentBody,
        responses: {
          '202': accepted,
          '201': { description: 'Created; Location names the post', content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '422': problem,
        },
      },
    },
    '/api/timeline': {
      get: {
        operationId: 'timeline',
        summary: 'The caller’s timeline: posts in followed (not muted) spaces, posts mentioning them, and their own; newest first, paged by event position',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of posts', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostPage' } } } }, '400': problem, '401': problem },
      },
    },
    '/api/stream': {
      get: {
        operationId: 'stream',
        summary:
          'Server-Sent Events: new posts (event "post"), comments (event "comment") and direct messages (event "message") the caller may read, as they happen, each followed by the notification it made for the caller (event "notification", same id); each id is the event position, and Last-Event-ID resumes after it',
        security: signedIn,
        parameters: [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }],
        responses: {
          '200': {
            description:
              'The event stream. After more than 10,000 missed events the stream sends "reset" (reload lists, then go on live). A stream ends when the session or access token does, at shutdown, and when the client reads too slowly (it reconnects with Last-Event-ID).',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '400': problem,
          '401': problem,
          '429': problem,
        },
      },
    },
    '/api/search': {
      get: {
        operationId: 'search',
        summary: 'Posts the caller may read that match the search terms (German and English word forms; "quotes", OR and -minus as in web search), newest first',
        security: signedIn,
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } }, cursor, limit],
        responses: { '200': { description: 'A page of posts', content: { 'application/json': { schema: { $ref: '#/components/schemas/PostPage' } } } }, '400': problem, '401': problem },
      },
    },
    '/api/posts/{postId}': {
      get: {
        operationId: 'getPost',
        summary: 'One post; 404 alike for a missing post and one the caller may not read',
        security: signedIn,
        parameters: [postId],
        responses: { '200': { description: 'The post', content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } }, '401': problem, '404': problem },
      },
      patch: {
        operationId: 'editPost',
        summary: 'Replace a post’s text (PostEdited; earlier versions stay in its history); the policy decides who may (by default the author)',
        security: signedIn,
        parameters: [postId],
        requestBody: textBody,
        responses: { '202': accepted, '200': { description: 'The edited post', content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } }, '400': problem, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'deletePost',
        summary: 'Delete a post (PostDeleted): it and its comments leave every list; the content itself is erased by retention',
        security: signedIn,
        parameters: [postId],
        responses: { '202': accepted, '204': { description: 'Deleted' }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/posts/{postId}/history': {
      get: {
        operationId: 'postHistory',
        summary: 'Every version of a post’s text, oldest first, with who wrote it when (for those the policy lets read the history: the author, moderators)',
        security: signedIn,
        parameters: [postId],
        responses: {
          '200': {
            description: 'The versions',
            content: { 'application/json': { schema: { type: 'object', required: ['versions'], properties: { versions: { type: 'array', items: { type: 'object', required: ['text', 'at', 'by'], properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' }, by: { type: 'string' } } } } } } } },
          },
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
    '/api/posts/{postId}/comments': {
      get: {
        operationId: 'listComments',
        summary: 'Comments on a post the caller may read, oldest first, paged by event position (cursor: the "next" of the previous page)',
        security: signedIn,
        parameters: [postId, cursor, limit],
        responses: { '200': { description: 'A page of comments', content: { 'application/json': { schema: { $ref: '#/components/schemas/CommentPage' } } } }, '400': problem, '401': problem, '404': problem },
      },
      post: {
        operationId: 'createComment',
        summary: 'Comment on a post (Markdown up to the policy’s comment limit); 404 when the post is missing or hidden, 403 with the reason when the caller may read but not comment',
        security: signedIn,
        parameters: [postId, idempotencyKey],
        requestBody: textBody,
        responses: {
          '202': accepted,
          '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Comment' } } } },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '422': problem,
        },
      },
    },
    '/api/conversations': {
      get: {
        operationId: 'listConversations',
        summary: 'The caller’s direct conversations, the most recently active first, with unread counts (paged by the position of their newest message)',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of conversations', content: json('ConversationPage') }, '400': problem, '401': problem },
      },
      post: {
        operationId: 'startConversation',
        summary: 'Start a direct conversation (one other person: the existing one between the two is returned, 200) or a titled group of up to 20 people (always new, 201). Participants must have signed in to Flurfunk before.',
        security: signedIn,
        parameters: [idempotencyKey],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['participants'], additionalProperties: false, properties: { participants: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string' } }, title: { type: 'string', minLength: 1, maxLength: 100 } } },
            },
          },
        },
        responses: { '202': accepted, '200': { description: 'The existing direct conversation', content: json('Conversation') }, '201': { description: 'Started', content: json('Conversation') }, '400': problem, '401': problem, '403': problem, '409': problem, '422': problem },
      },
    },
    '/api/conversations/{conversationId}': {
      get: {
        operationId: 'getConversation',
        summary: 'One conversation; 404 alike for a missing one and one the caller is not in',
        security: signedIn,
        parameters: [conversationId],
        responses: { '200': { description: 'The conversation', content: json('Conversation') }, '401': problem, '404': problem },
      },
    },
    '/api/conversations/{conversationId}/messages': {
      get: {
        operationId: 'listMessages',
        summary: 'Messages of a conversation, newest first, paged by event position',
        security: signedIn,
        parameters: [conversationId, cursor, limit],
        responses: { '200': { description: 'A page of messages', content: json('MessagePage') }, '400': problem, '401': problem, '404': problem },
      },
      post: {
        operationId: 'sendMessage',
        summary: 'Write in a conversation (Markdown up to the policy’s message limit, optionally with attachments uploaded to it)',
        security: signedIn,
        parameters: [conversationId, idempotencyKey],
        requestBody: contentBody,
        responses: { '202': accepted, '201': { description: 'Sent', content: json('Message') }, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem, '422': problem },
      },
    },
    '/api/conversations/{conversationId}/messages/{messageId}': {
      delete: {
        operationId: 'deleteMessage',
        summary: 'Delete one of your messages (MessageDeleted); the content itself is erased by retention',
        security: signedIn,
        parameters: [conversationId, { name: 'messageId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '202': accepted, '204': { description: 'Deleted' }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/conversations/{conversationId}/read': {
      post: {
        operationId: 'markConversationRead',
        summary: 'Mark a conversation read up to its newest message (ConversationRead)',
        security: signedIn,
        parameters: [conversationId],
        responses: { '202': accepted, '200': { description: 'The conversation, unread 0', content: json('Conversation') }, '401': problem, '404': problem },
      },
    },
    '/api/attachments': {
      post: {
        operationId: 'uploadAttachment',
        summary:
          'Upload a file (multipart/form-data, field "file") to a space or a conversation; then name its id in a post or message. The type is taken from the content, not the name; size and allowed types come from the policy (limits.attachments). Stored sealed; the SHA-256 is recorded in AttachmentUploaded.',
        security: signedIn,
        parameters: [
          { name: 'spaceId', in: 'query', required: false, description: 'Exactly one of spaceId and conversationId', schema: { type: 'string' } },
          { name: 'conversationId', in: 'query', required: false, schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } } } } },
        responses: {
          '202': accepted,
          '201': { description: 'Stored; Location is the download URL', content: json('Attachment') },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '413': problem,
          '415': problem,
        },
      },
    },
    '/api/attachments/{attachmentId}': {
      get: {
        operationId: 'downloadAttachment',
        summary: 'Download a file (Content-Disposition: attachment, the type found at upload, nosniff, a sandboxing CSP); for those who may read the post or message it belongs to, and before that its uploader only; 404 alike otherwise. Recorded as AttachmentDownloaded.',
        security: signedIn,
        parameters: [{ name: 'attachmentId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } }, '401': problem, '404': problem },
      },
    },
    '/api/notifications': {
      get: {
        operationId: 'listNotifications',
        summary: 'Mentions of the caller, replies to their posts and messages to them, newest first; only those whose content the caller may read now',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of notifications', content: json('NotificationPage') }, '400': problem, '401': problem },
      },
    },
    '/api/notifications/read': {
      post: {
        operationId: 'markNotificationsRead',
        summary: 'Mark notifications read up to a position (default: all there are); answers the unread counts',
        security: signedIn,
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { upTo: { type: 'integer', minimum: 1 } } } } } },
        responses: { '202': accepted, '200': { description: 'Unread counts', content: json('UnreadCounts') }, '400': problem, '401': problem },
      },
    },
    '/api/unread': {
      get: {
        operationId: 'unreadCounts',
        summary: 'Unread notifications and direct messages',
        security: signedIn,
        responses: { '200': { description: 'Unread counts', content: json('UnreadCounts') }, '401': problem },
      },
    },
    '/api/posts/{postId}/reactions/{reaction}': {
      put: {
        operationId: 'addReaction',
        summary: `React to a post (ReactionAdded): one of ${REACTIONS.join(', ')}; reacting twice is one reaction. 404 when the post is missing or hidden, 403 with the reason when the caller may read but not react`,
        security: signedIn,
        parameters: [postId, reaction],
        responses: { '202': accepted, '200': postAnswer, '400': problem, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'removeReaction',
        summary: 'Take one’s reaction back (ReactionRemoved); nothing happens when there was none',
        security: signedIn,
        parameters: [postId, reaction],
        responses: { '202': accepted, '200': postAnswer, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/posts/{postId}/answer': {
      put: {
        operationId: 'markAnswer',
        summary: 'Mark a comment on the post as its answer (AnswerMarked), replacing an earlier one; the policy decides who may (by default the post’s author and the space’s moderators)',
        security: signedIn,
        parameters: [postId],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['commentId'], additionalProperties: false, properties: { commentId: { type: 'string', format: 'uuid' } } } } } },
        responses: { '202': accepted, '200': postAnswer, '400': problem, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'unmarkAnswer',
        summary: 'The post has no answer any more (AnswerUnmarked)',
        security: signedIn,
        parameters: [postId],
        responses: { '202': accepted, '200': postAnswer, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/posts/{postId}/pin': {
      put: {
        operationId: 'pinPost',
        summary: 'Pin a post to the top of its space (PostPinned), for those the policy lets pin (the space’s moderators)',
        security: signedIn,
        parameters: [postId],
        responses: { '202': accepted, '200': postAnswer, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'unpinPost',
        summary: 'Unpin a post (PostUnpinned)',
        security: signedIn,
        parameters: [postId],
        responses: { '202': accepted, '200': postAnswer, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/spaces/{spaceId}/pinned': {
      get: {
        operationId: 'listPinned',
        summary: 'The pinned posts of a space the caller may read, most recently pinned first',
        security: signedIn,
        parameters: [spaceId, cursor, limit],
        responses: { '200': postPage, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/posts/{postId}/reports': {
      post: {
        operationId: 'reportPost',
        summary: 'Report a post to its space’s moderators with a reason (PostReported; the reason is sealed personal content). The answer is the caller’s own report only; reporting again while it is open answers it (200)',
        security: signedIn,
        parameters: [postId, idempotencyKey],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } } } } } },
        responses: {
          '202': accepted,
          '200': { description: 'Your report, already open', content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportReceipt' } } } },
          '201': { description: 'Reported', content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportReceipt' } } } },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '422': problem,
        },
      },
    },
    '/api/spaces/{spaceId}/reports': {
      get: {
        operationId: 'listReports',
        summary: 'Open reports of a space, oldest first, with their posts and reporters, for those the policy lets moderate it; 404 for a space the caller may not read, 403 for readers who do not moderate it',
        security: signedIn,
        parameters: [spaceId, cursor, limit],
        responses: {
          '200': { description: 'A page of open reports', content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportPage' } } } },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
    '/api/reports/{reportId}/resolution': {
      post: {
        operationId: 'resolveReport',
        summary: 'Close a report (ReportResolved): "kept" leaves the post, "removed" also deletes it (PostDeleted, needs the right to delete it) and closes its other open reports',
        security: signedIn,
        parameters: [{ name: 'reportId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['outcome'], additionalProperties: false, properties: { outcome: { enum: ['kept', 'removed'] } } } } } },
        responses: {
          '202': accepted,
          '200': { description: 'Resolved', content: { 'application/json': { schema: { $ref: '#/components/schemas/Resolution' } } } },
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
    '/api/people/{userId}/erasure': {
      post: {
        operationId: 'erasePerson',
        summary:
          'Erasure on request (GDPR Art. 17): destroys every data key that sealed the person’s words — posts (kept as empty placeholders, `erased`, so others’ comments keep their thread), comments, messages, conversation titles, files, profile — and removes their activity from the read models; mentions of them read as a placeholder; others’ content stays. Legal holds win: streams a hold covers keep their content, counted per hold in the answer and the receipt. Records PersonErased on erasure:<id> (reason 10–500 characters and case reference sealed); its audit export (POST /api/audit/exports with the filter stream) is the signed receipt. {"dryRun": true} erases nothing and answers what would be erased. For those the policy lets erase the person (User: erase); 403 with the reason otherwise, 404 for a person who never signed in.',
        security: signedIn,
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 10, maxLength: 500 }, caseReference: { type: 'string', minLength: 1, maxLength: 100 }, dryRun: { type: 'boolean' } } } } },
        },
        responses: { '200': { description: 'A dry run: what would be erased', content: json('Erasure') }, '201': { description: 'Erased', content: json('Erasure') }, '400': problem, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/people/{userId}/follow': {
      put: {
        operationId: 'followPerson',
        summary: 'Follow a person (PersonFollowed): their posts join the caller’s timeline where the caller may read them. 404 for people unknown (never signed in) or hidden by the policy',
        security: signedIn,
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '202': accepted, '204': { description: 'Following' }, '400': problem, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'unfollowPerson',
        summary: 'Stop following a person (PersonUnfollowed)',
        security: signedIn,
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '202': accepted, '204': { description: 'Not following' }, '401': problem, '404': problem },
      },
    },
    '/api/topics/{topic}/follow': {
      put: {
        operationId: 'followTopic',
        summary: 'Follow a #topic (TopicFollowed): posts naming it join the caller’s timeline where the caller may read them',
        security: signedIn,
        parameters: [{ name: 'topic', in: 'path', required: true, description: 'As after a # in a post, with or without the #; compared in lower case', schema: { type: 'string' } }],
        responses: { '202': accepted, '204': { description: 'Following' }, '400': problem, '401': problem },
      },
      delete: {
        operationId: 'unfollowTopic',
        summary: 'Stop following a #topic (TopicUnfollowed)',
        security: signedIn,
        parameters: [{ name: 'topic', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '202': accepted, '204': { description: 'Not following' }, '400': problem, '401': problem },
      },
    },
    '/api/me/following': {
      get: {
        operationId: 'following',
        summary: 'What the caller follows: spaces (those still readable), people and #topics',
        security: signedIn,
        responses: { '200': { description: 'Followed spaces, people and topics', content: { 'application/json': { schema: { $ref: '#/components/schemas/FollowingPage' } } } }, '401': problem },
      },
    },
    '/api/audit/events': {
      get: {
        operationId: 'auditEvents',
        summary:
          'The audit trail, newest first by position: every event’s public facts (type, actor, time, stream, space, clear data, policy version, request id, hash), never sealed content. For those the policy lets read AuditLog (data-protection officers), filtered further by its rules; everyone else gets 403 with the reason. Each query is recorded as AuditLogRead.',
        security: signedIn,
        parameters: [
          { name: 'from', in: 'query', required: false, description: 'ISO 8601 date or date-time: events at or after it', schema: { type: 'string' } },
          { name: 'to', in: 'query', required: false, description: 'ISO 8601 date or date-time: events at or before it', schema: { type: 'string' } },
          { name: 'actor', in: 'query', required: false, description: 'A person’s id, or system:<job>', schema: { type: 'string' } },
          { name: 'type', in: 'query', required: false, description: 'Event types, comma-separated', schema: { type: 'string' } },
          { name: 'space', in: 'query', required: false, description: 'Events concerning this space', schema: { type: 'string' } },
          { name: 'stream', in: 'query', required: false, description: 'One stream, e.g. post:<id> or user:<id>', schema: { type: 'string' } },
          cursor,
          limit,
        ],
        responses: { '200': { description: 'A page of audit events', content: json('AuditEventPage') }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/audit/exports': {
      post: {
        operationId: 'requestAuditExport',
        summary:
          'Start a signed export as a job — of the audit trail (the same ZIP as `flurfunk audit export`), or with "kind": "subject-access" of everything about one person (as `flurfunk audit subject-access`): 202 with the job, whose state turns "ready" (or "failed"); recorded as AuditExportRequested. For those the policy lets export AuditLog and create Export (data-protection officers); 403 with the reason otherwise. 409 while the caller has an export running or the server runs its limit of exports.',
        security: signedIn,
        requestBody: { required: false, content: json('AuditExportRequest') },
        responses: { '202': { description: 'The export job, running', headers: { Location: { description: 'The job', schema: { type: 'string' } } }, content: json('AuditExportJob') }, '400': problem, '401': problem, '403': problem, '409': problem },
      },
      get: {
        operationId: 'listAuditExports',
        summary: 'Export jobs the policy lets the caller read (Export), newest first; 403 for those who may not export the audit trail',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of export jobs', content: json('AuditExportJobPage') }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/audit/exports/{exportId}': {
      get: {
        operationId: 'getAuditExport',
        summary: 'One export job: its state, and when ready its size, manifest SHA-256 and expiry',
        security: signedIn,
        parameters: [exportId],
        responses: { '200': { description: 'The export job', content: json('AuditExportJob') }, '401': problem, '403': problem, '404': problem },
      },
      delete: {
        operationId: 'deleteAuditExport',
        summary: 'Remove a ready export’s file now (recorded as AuditExportRemoved, "deleted"); the job stays on record. 409 while it is still being written.',
        security: signedIn,
        parameters: [exportId],
        responses: { '204': { description: 'Removed (or there was no file left)' }, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/audit/exports/{exportId}/download': {
      get: {
        operationId: 'downloadAuditExport',
        summary:
          'The ZIP of a ready export (Content-Disposition: attachment). Each download is recorded as AuditExportDownloaded before the first byte is sent; after the policy’s number of downloads (limits.exports.maxDownloads, 1 by default) the file is removed. 409 while it is being written, 410 once removed or failed.',
        security: signedIn,
        parameters: [exportId],
        responses: { '200': { description: 'The signed export', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } }, '401': problem, '403': problem, '404': problem, '409': problem, '410': problem },
      },
    },
    '/api/audit/catalogue': {
      get: {
        operationId: 'auditCatalogue',
        summary:
          'The audit event catalogue (audit/event-catalogue.yaml): every event type with its category, the streams it is recorded on, a plain description, the kind of personal content it carries sealed, and the JSON Schema (2020-12) of its clear data. For those the policy lets read AuditLog; everyone else gets 403 with the reason.',
        security: signedIn,
        responses: { '200': { description: 'Every event type, in catalogue order', content: json('AuditCatalogue') }, '401': problem, '403': problem },
      },
    },
    '/api/guideline': {
      get: {
        operationId: 'getGuideline',
        summary: 'The usage guideline of the active policy and whether the caller accepted its version',
        security: signedIn,
        responses: { '200': { description: 'The guideline', content: { 'application/json': { schema: { $ref: '#/components/schemas/Guideline' } } } }, '401': problem },
      },
    },
    '/api/guideline/acceptance': {
      post: {
        operationId: 'acceptGuideline',
        summary: 'Accept the current guideline version (recorded as GuidelineAccepted)',
        security: signedIn,
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['version'], properties: { version: { type: 'string' } } } } } },
        responses: {
          '202': accepted,
          '201': { description: 'Accepted', content: { 'application/json': { schema: { type: 'object', required: ['version', 'acceptedAt'], properties: { version: { type: 'string' }, acceptedAt: { type: 'string', format: 'date-time' } } } } } },
          '400': problem,
          '401': problem,
          '404': problem,
        },
      },
    },
    '/api/posts/{postId}/inspect': {
      post: {
        operationId: 'inspectPost',
        summary:
          'A privileged read: the post with all its comments for someone the policy lets inspect it without being able to read it (shipped policy: data-protection officers, not in secret spaces). The reason (10–500 characters) is required and recorded with the read as PrivilegedContentRead before the content is sent; the space’s members and the authors see that it happened (the post’s privilegedReads, GET /api/spaces/{spaceId}/privileged-access, GET /api/me/privileged-access). A caller who may read the post anyway gets it with privileged false and nothing is recorded. Everyone else gets 404, as for a missing post, before the reason is checked.',
        security: signedIn,
        parameters: [postId],
        requestBody: reasonBody,
        responses: { '200': { description: 'The post and its comments', content: json('InspectedPost') }, '202': accepted, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/conversations/{conversationId}/inspect': {
      post: {
        operationId: 'inspectConversation',
        summary:
          'A privileged read of a conversation: all its messages for someone the policy lets inspect DirectMessage (the shipped policy: nobody). As for posts: a required reason, recorded as PrivilegedContentRead before the messages are sent; the participants see that it happened (GET /api/conversations/{conversationId}/privileged-access, GET /api/me/privileged-access). Participants get the messages with privileged false and nothing recorded; everyone else 404.',
        security: signedIn,
        parameters: [conversationId],
        requestBody: reasonBody,
        responses: { '200': { description: 'The conversation and its messages', content: json('InspectedConversation') }, '202': accepted, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/spaces/{spaceId}/privileged-access': {
      get: {
        operationId: 'spacePrivilegedReads',
        summary: 'The notice of privileged reads of posts in a space, newest first: what was read, when and by which role (not by whom, not why: that is in the audit trail). For those who may read the space; 404 otherwise. Nothing removes a notice.',
        security: signedIn,
        parameters: [spaceId, cursor, limit],
        responses: { '200': { description: 'A page of notices', content: json('PrivilegedReadNoticePage') }, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/conversations/{conversationId}/privileged-access': {
      get: {
        operationId: 'conversationPrivilegedReads',
        summary: 'The notice of privileged reads of a conversation, newest first, for its participants; 404 otherwise.',
        security: signedIn,
        parameters: [conversationId, cursor, limit],
        responses: { '200': { description: 'A page of notices', content: json('PrivilegedReadNoticePage') }, '400': problem, '401': problem, '404': problem },
      },
    },
    '/api/me/privileged-access': {
      get: {
        operationId: 'myPrivilegedReads',
        summary: 'Privileged reads that showed the caller’s own content (posts and comments they wrote, conversations they are in), newest first.',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of notices', content: json('PrivilegedReadNoticePage') }, '400': problem, '401': problem },
      },
    },
    '/api/holds': {
      post: {
        operationId: 'placeLegalHold',
        summary:
          'Place a legal hold (LegalHoldPlaced on stream hold:<id>): while it is active, retention shreds nothing it covers. Name people, spaces and/or a time range — at least one; content is covered when it matches EVERY criterion named (one of the people wrote it or takes part in it; it is in one of the spaces; its time overlaps from–to, both inclusive, a date alone meaning the whole day in UTC). People need not have signed in yet (peopleNotYetKnown lists them); spaces must be the policy’s (400 naming an unknown one). The reason (10–500 characters) and case reference (1–100) are sealed in the event. For those the policy lets create LegalHold (data-protection officers); 403 with the reason otherwise, before the body is looked at. The hold is in force when the answer arrives: a retention sweep either saw it or finished its shred before it was recorded.',
        security: signedIn,
        requestBody: { required: true, content: json('LegalHoldRequest') },
        responses: { '201': { description: 'The hold, active', headers: { Location: { description: 'The hold', schema: { type: 'string' } } }, content: json('LegalHold') }, '202': accepted, '400': problem, '401': problem, '403': problem },
      },
      get: {
        operationId: 'listLegalHolds',
        summary: 'Legal holds the policy lets the caller read (LegalHold), active and lifted, newest first, with their reasons and case references; 403 with the reason for those who may not read holds',
        security: signedIn,
        parameters: [cursor, limit],
        responses: { '200': { description: 'A page of holds', content: json('LegalHoldPage') }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/holds/{holdId}': {
      get: {
        operationId: 'getLegalHold',
        summary: 'One legal hold; 403 for those who may not read holds, 404 for one that does not exist or that the policy hides from the caller',
        security: signedIn,
        parameters: [holdId],
        responses: { '200': { description: 'The hold', content: json('LegalHold') }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/api/holds/{holdId}/lift': {
      post: {
        operationId: 'liftLegalHold',
        summary: 'Lift a legal hold with a reason (10–500 characters, sealed): LegalHoldLifted. From then on retention may shred what only this hold kept. For those the policy lets delete LegalHold; 403 with the reason otherwise; 409 when it was lifted already.',
        security: signedIn,
        parameters: [holdId],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 10, maxLength: 500 } } } } } },
        responses: { '200': { description: 'The hold, lifted', content: json('LegalHold') }, '202': accepted, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem },
      },
    },
    '/api/retention/runs': {
      get: {
        operationId: 'listRetentionRuns',
        summary: 'The last retention runs, newest first: trigger, who started it, status (running, completed, failed with the error), counts and totals per rule. For those the policy lets read Retention (data-protection officers); 403 with the reason otherwise.',
        security: signedIn,
        parameters: [limit],
        responses: { '200': { description: 'Runs', content: json('RetentionRuns') }, '400': problem, '401': problem, '403': problem },
      },
      post: {
        operationId: 'runRetention',
        summary:
          'Run a retention sweep now (as the schedule does; waits for any run in progress): every expired stream not covered by a legal hold gets a ContentShredded receipt and loses its data keys and read-model rows. With {"dryRun": true}, changes nothing and answers what a run would do, item by item. Needs run on Retention (read for a dry run); 403 with the reason otherwise. The totals cover everything; items stop at 1,000 (itemsTruncated).',
        security: signedIn,
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean' } } } } } },
        responses: { '200': { description: 'The run’s report', content: json('RetentionReport') }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/retention/due': {
      get: {
        operationId: 'retentionDue',
        summary: 'What is due now: a dry run’s report (what a run would shred, what legal holds keep, per rule with oldest and newest content). Needs read on Retention; 403 with the reason otherwise.',
        security: signedIn,
        responses: { '200': { description: 'The dry run’s report', content: json('RetentionReport') }, '401': problem, '403': problem },
      },
    },
    '/api/retention/receipts': {
      get: {
        operationId: 'listRetentionReceipts',
        summary: 'Receipts of shredding in the order they were written (ContentShredded: stream, rule, run, fingerprints of the destroyed keys; PersonErased), optionally of one run. Page with "after" set to the previous page’s "next". Needs read on Retention; 403 with the reason otherwise.',
        security: signedIn,
        parameters: [
          { name: 'after', in: 'query', required: false, description: 'The "next" value of the previous page', schema: { type: 'string' } },
          { name: 'run', in: 'query', required: false, description: 'Only this run’s receipts', schema: { type: 'string', format: 'uuid' } },
          limit,
        ],
        responses: { '200': { description: 'A page of receipts', content: json('RetentionReceipts') }, '400': problem, '401': problem, '403': problem },
      },
    },
    '/api/me/retention': {
      get: {
        operationId: 'myRetention',
        summary:
          'Transparency about retention and legal holds for every signed-in person, never naming a matter: for each space the caller can read, how long its posts, comments and files are kept (ISO 8601, with the rule’s reason; null: kept until erased on request); how long the caller’s direct messages and files in conversations are kept; how many privileged reads (GET /api/me/privileged-access lists them) concerned the caller’s content. Legal holds: for each space the caller can read, whether a hold keeps its content (a hold naming the space, or a time range alone); and whether a hold keeps the caller’s own content (a hold naming them, a hold on a space they wrote in, or a time range alone — it may say held for content a range does not reach, never the reverse). Holds that name only people are not shown on spaces, so colleagues do not learn that someone is under a hold.',
        security: signedIn,
        responses: { '200': { description: 'Holds as they concern the caller', content: json('MyRetention') }, '401': problem },
      },
    },
    '/api/me': {
      get: {
        operationId: 'me',
        summary: 'The caller under the active policy: id, name, email, directory groups, roles; for a browser session also the CSRF token',
        security: signedIn,
        responses: {
          '200': { description: 'Signed in', content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } } },
          '401': problem,
        },
      },
    },
    ...peoplePaths,
    ...adminPaths,
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'flurfunk_session', description: '__Host-flurfunk_session when PUBLIC_URL is https. State-changing requests also need the X-CSRF-Token header.' },
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from the identity provider with the audience OIDC_API_AUDIENCE' },
    },
    schemas: {
      Me: {
        type: 'object',
        required: ['id', 'name', 'email', 'groups', 'roles', 'policyVersion', 'via'],
        properties: {
          id: { type: 'string' },
          name: { type: ['string', 'null'] },
          email: { type: ['string', 'null'] },
          groups: { type: 'array', items: { type: 'string' }, description: 'Directory groups, named as in the policy files' },
          roles: { type: 'array', items: { type: 'string' } },
          policyVersion: { type: ['string', 'null'] },
          via: { enum: ['session', 'bearer'] },
          csrfToken: { type: 'string', description: 'Browser sessions only: send it as X-CSRF-Token with every state-changing request' },
          session: { type: 'object', properties: { signedInAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' } } },
        },
      },
      Space: {
        type: 'object',
        required: ['id', 'title', 'description', 'classification', 'following', 'muted', 'may'],
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          description: { type: ['string', 'null'] },
          classification: { enum: ['public', 'internal', 'confidential', 'secret'] },
          following: { type: 'boolean' },
          muted: { type: 'boolean' },
          may: { type: 'object', properties: { post: { type: 'boolean' }, moderate: { type: 'boolean' }, follow: { type: 'boolean' } } },
        },
      },
      SpacePage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Space' } }, next: { type: ['string', 'null'] } } },
      Post: {
        type: 'object',
        required: ['id', 'spaceId', 'classification', 'author', 'text', 'html', 'mentions', 'topics', 'createdAt', 'editedAt', 'erased', 'position', 'attachments', 'privilegedReads', 'reactions', 'myReactions', 'pinned', 'answerId', 'may'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          spaceId: { type: 'string' },
          classification: { type: 'string' },
          author: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } },
          text: { type: 'string', description: 'Markdown, as written' },
          html: { type: 'string', description: 'The Markdown rendered: raw HTML escaped, only http(s) and mailto links, each with rel="noopener noreferrer nofollow"' },
          mentions: { type: 'array', items: { type: 'string' } },
          topics: { type: 'array', items: { type: 'string' } },
          createdAt: { type: 'string', format: 'date-time' },
          editedAt: { type: ['string', 'null'], format: 'date-time', description: 'Set once edited: readers see "edited"' },
          erased: { type: 'boolean', description: 'The author’s content was erased on request (GDPR Art. 17): text and html are empty, the author’s name is null; others’ comments stay' },
          position: { type: 'integer', description: 'The event position: the order of the timeline' },
          attachments: { type: 'array', items: { $ref: '#/components/schemas/Attachment' } },
          privilegedReads: {
            type: 'object',
            required: ['count', 'lastAt'],
            additionalProperties: false,
            properties: { count: { type: 'integer', minimum: 0 }, lastAt: { type: ['string', 'null'], format: 'date-time' } },
            description: 'The notice of privileged reads: how often someone who could not read this post inspected it (POST /api/posts/{postId}/inspect), and when last. It cannot be removed.',
          },
          reactions: { type: 'object', required: [...REACTIONS], additionalProperties: false, properties: Object.fromEntries(REACTIONS.map((r) => [r, { type: 'integer', minimum: 0 }])), description: 'How many people gave each reaction' },
          myReactions: { type: 'array', items: { enum: [...REACTIONS] }, description: 'The reactions the caller gave' },
          pinned: { type: 'boolean', description: 'Pinned to the top of its space by a moderator' },
          answerId: { type: ['string', 'null'], format: 'uuid', description: 'The comment marked as its answer; null if none' },
          may: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'What the caller may do with it under the active policy' },
        },
      },
      AuditEvent: {
        type: 'object',
        required: ['position', 'id', 'type', 'occurredAt', 'actor', 'streamId', 'streamVersion', 'spaceId', 'data', 'hasPersonalContent', 'policyVersion', 'correlationId', 'hash'],
        properties: {
          position: { type: 'integer' },
          id: { type: 'string', format: 'uuid' },
          type: { type: 'string' },
          occurredAt: { type: 'string', format: 'date-time' },
          actor: { type: 'string' },
          streamId: { type: 'string' },
          streamVersion: { type: 'integer' },
          spaceId: { type: ['string', 'null'] },
          data: { type: 'object' },
          hasPersonalContent: { type: 'boolean', description: 'The event carries sealed personal content (not shown here)' },
          policyVersion: { type: ['string', 'null'] },
          correlationId: { type: ['string', 'null'] },
          hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
      AuditExportRequest: {
        type: 'object',
        additionalProperties: false,
        properties: {
          kind: { enum: ['audit-trail', 'subject-access'], description: 'What to export: the audit trail (default), or everything about one person (GDPR Art. 15; needs accessRequest on the person)' },
          person: { type: 'string', description: 'For subject-access: the person’s id' },
          filters: {
            type: 'object',
            additionalProperties: false,
            description: 'As for GET /api/audit/events',
            properties: { from: { type: 'string' }, to: { type: 'string' }, actor: { type: 'string' }, type: { type: 'string', description: 'Event types, comma-separated' }, space: { type: 'string' }, stream: { type: 'string' } },
          },
        },
      },
      LegalHoldRequest: {
        type: 'object',
        required: ['reason', 'caseReference'],
        additionalProperties: false,
        description: 'At least one of people, spaces, from, to',
        properties: {
          people: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 255 }, description: 'Person ids as the identity provider names them' },
          spaces: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string' }, description: 'Space ids of the policy' },
          from: { type: 'string', description: 'ISO 8601 date (the day’s first instant, UTC) or date-time' },
          to: { type: 'string', description: 'ISO 8601 date (the day’s last instant, UTC) or date-time; not before from' },
          reason: { type: 'string', minLength: 10, maxLength: 500 },
          caseReference: { type: 'string', minLength: 1, maxLength: 100 },
        },
      },
      LegalHold: {
        type: 'object',
        required: ['id', 'state', 'people', 'peopleNotYetKnown', 'spaces', 'from', 'to', 'placedBy', 'placedAt', 'reason', 'caseReference', 'liftedBy', 'liftedAt', 'liftReason'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          state: { enum: ['active', 'lifted'] },
          people: { type: ['array', 'null'], items: { type: 'string' } },
          peopleNotYetKnown: { type: 'array', items: { type: 'string' }, description: 'Named people who have not signed in yet (check for typos)' },
          spaces: { type: ['array', 'null'], items: { type: 'string' } },
          from: { type: ['string', 'null'], format: 'date-time' },
          to: { type: ['string', 'null'], format: 'date-time' },
          placedBy: { type: 'string' },
          placedAt: { type: 'string', format: 'date-time' },
          reason: { type: ['string', 'null'], description: 'Sealed in the event; null once its key is gone' },
          caseReference: { type: ['string', 'null'] },
          liftedBy: { type: ['string', 'null'] },
          liftedAt: { type: ['string', 'null'], format: 'date-time' },
          liftReason: { type: ['string', 'null'] },
        },
      },
      LegalHoldPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/LegalHold' } }, next: { type: ['string', 'null'] } } },
      Erasure: {
        type: 'object',
        required: ['erasureId', 'dryRun', 'personId', 'streams', 'erased', 'held', 'heldStreams', 'position'],
        properties: {
          erasureId: { type: ['string', 'null'], format: 'uuid', description: 'null for a dry run' },
          dryRun: { type: 'boolean' },
          personId: { type: 'string' },
          streams: { type: 'integer', minimum: 0, description: 'streams whose key of this person was destroyed' },
          erased: {
            type: 'object',
            required: ['posts', 'comments', 'messages', 'attachments', 'profile'],
            properties: { posts: { type: 'integer' }, comments: { type: 'integer' }, messages: { type: 'integer' }, attachments: { type: 'integer' }, profile: { type: 'boolean' } },
          },
          held: { type: 'array', items: { type: 'object', required: ['holdId', 'streams'], properties: { holdId: { type: 'string', format: 'uuid' }, streams: { type: 'integer' } } } },
          heldStreams: { type: 'integer', minimum: 0 },
          position: { type: ['integer', 'null'], description: 'the PersonErased event; null for a dry run' },
        },
      },
      RetentionRuns: {
        type: 'object',
        required: ['runs'],
        properties: {
          runs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'trigger', 'startedBy', 'startedAt', 'asOf', 'status', 'finishedAt', 'shredded', 'held', 'renewed', 'error'],
              properties: {
                id: { type: 'string', format: 'uuid' },
                trigger: { enum: ['schedule', 'cli', 'api'] },
                startedBy: { type: 'string' },
                startedAt: { type: 'string', format: 'date-time' },
                asOf: { type: 'string', format: 'date-time' },
                status: { enum: ['running', 'completed', 'failed'] },
                finishedAt: { type: ['string', 'null'], format: 'date-time' },
                shredded: { type: ['integer', 'null'] },
                held: { type: ['integer', 'null'] },
                renewed: { type: ['integer', 'null'] },
                perRule: {},
                error: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
      RetentionReport: {
        type: 'object',
        required: ['runId', 'dryRun', 'asOf', 'policyVersion', 'expired', 'held', 'shredded', 'renewed', 'perRule', 'items', 'itemsTruncated'],
        properties: {
          runId: { type: ['string', 'null'], format: 'uuid', description: 'null for a dry run' },
          dryRun: { type: 'boolean' },
          asOf: { type: 'string', format: 'date-time' },
          policyVersion: { type: 'string' },
          expired: { type: 'integer', minimum: 0 },
          held: { type: 'integer', minimum: 0 },
          shredded: { type: 'integer', minimum: 0, description: 'for a dry run: would be shredded' },
          renewed: { type: 'integer', minimum: 0, description: 'written to since planned: kept' },
          perRule: {
            type: 'array',
            items: { type: 'object', required: ['rule', 'expired', 'held', 'oldest', 'newest'], properties: { rule, expired: { type: 'integer' }, held: { type: 'integer' }, oldest: { type: 'string', format: 'date-time' }, newest: { type: 'string', format: 'date-time' } } },
          },
          items: {
            type: 'array',
            items: { type: 'object', required: ['streamId', 'rule', 'lastContentAt'], properties: { streamId: { type: 'string' }, rule, lastContentAt: { type: 'string', format: 'date-time' }, heldBy: { type: 'array', items: { type: 'string', format: 'uuid' } } } },
          },
          itemsTruncated: { type: 'boolean' },
        },
      },
      RetentionReceipts: {
        type: 'object',
        required: ['receipts', 'next'],
        properties: {
          receipts: {
            type: 'array',
            items: {
              type: 'object',
              required: ['position', 'type', 'streamId', 'occurredAt', 'actor', 'policyVersion', 'data'],
              properties: { position: { type: 'integer' }, type: { enum: ['ContentShredded', 'PersonErased'] }, streamId: { type: 'string' }, occurredAt: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, policyVersion: { type: ['string', 'null'] }, data: { type: 'object' } },
            },
          },
          next: { type: ['string', 'null'] },
        },
      },
      MyRetention: {
        type: 'object',
        required: ['spaces', 'ownContent'],
        additionalProperties: false,
        properties: {
          spaces: {
            type: 'array',
            items: {
              type: 'object',
              required: ['spaceId', 'title', 'held', 'keep'],
              additionalProperties: false,
              properties: {
                spaceId: { type: 'string' },
                title: { type: 'string' },
                held: { type: 'boolean' },
                keep: { type: 'object', required: ['posts', 'comments', 'attachments'], additionalProperties: false, properties: { posts: period, comments: period, attachments: period } },
              },
            },
          },
          ownContent: {
            type: 'object',
            required: ['held', 'keep', 'privilegedReads'],
            additionalProperties: false,
            properties: {
              held: { type: 'boolean' },
              keep: { type: 'object', required: ['directMessages', 'files'], additionalProperties: false, properties: { directMessages: period, files: period } },
              privilegedReads: { type: 'integer', minimum: 0 },
            },
          },
        },
      },
      AuditExportJob: {
        type: 'object',
        required: ['id', 'kind', 'state', 'requestedBy', 'requestedAt', 'filters', 'person', 'events', 'bytes', 'manifestSha256', 'finishedAt', 'expiresAt', 'downloads', 'failure', 'removedBecause'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          kind: { enum: ['audit-trail', 'subject-access'] },
          state: { enum: ['running', 'ready', 'failed', 'removed'] },
          requestedBy: { type: 'string' },
          requestedAt: { type: 'string', format: 'date-time' },
          filters: { type: 'object', description: 'The filters as recorded (types as a list, space as spaceId, stream as streamId)' },
          person: { type: ['string', 'null'], description: 'A subject-access export: the person it is about' },
          events: { type: ['integer', 'null'] },
          bytes: { type: ['integer', 'null'] },
          manifestSha256: { type: ['string', 'null'] },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
          expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'When an unfetched file is removed' },
          downloads: { type: 'integer' },
          failure: { type: ['string', 'null'], description: 'error or interrupted' },
          removedBecause: { type: ['string', 'null'], description: 'downloaded, expired or deleted' },
        },
      },
      AuditExportJobPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/AuditExportJob' } }, next: { type: ['string', 'null'] } } },
      AuditCatalogue: {
        type: 'object',
        required: ['items', 'next'],
        properties: {
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'category', 'categoryTitle', 'description', 'sealed', 'streams', 'schema'],
              properties: {
                type: { type: 'string' },
                category: { type: 'string' },
                categoryTitle: { type: 'string' },
                description: { type: 'string' },
                sealed: { type: ['string', 'null'], description: 'The personal content the event carries sealed (in words), or null' },
                streams: { type: 'array', items: { type: 'string' }, description: 'Stream templates; {field} stands for that field of the data' },
                schema: { type: 'object', description: 'JSON Schema (2020-12) of the event’s clear data' },
              },
              additionalProperties: false,
            },
          },
          next: { type: 'null' },
        },
      },
      AuditEventPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/AuditEvent' } }, next: { type: ['string', 'null'] } } },
      Attachment: {
        type: 'object',
        required: ['id', 'name', 'mediaType', 'size', 'sha256', 'url'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          mediaType: { type: 'string', description: 'Found in the content at upload' },
          size: { type: 'integer' },
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          url: { type: 'string', description: 'Where to download it' },
        },
      },
      Conversation: {
        type: 'object',
        required: ['id', 'participants', 'title', 'startedBy', 'createdAt', 'lastPosition', 'unread'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          participants: { type: 'array', items: person },
          title: { type: ['string', 'null'] },
          startedBy: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          lastPosition: { type: 'integer' },
          unread: { type: 'integer', description: 'Messages by others after the caller’s read mark' },
        },
      },
      ConversationPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Conversation' } }, next: { type: ['string', 'null'] } } },
      Message: {
        type: 'object',
        required: ['id', 'conversationId', 'author', 'text', 'html', 'createdAt', 'position', 'attachments', 'may'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          conversationId: { type: 'string', format: 'uuid' },
          author: person,
          text: { type: 'string' },
          html: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          position: { type: 'integer' },
          attachments: { type: 'array', items: { $ref: '#/components/schemas/Attachment' } },
          may: { type: 'object', additionalProperties: { type: 'boolean' } },
        },
      },
      MessagePage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Message' } }, next: { type: ['string', 'null'] } } },
      Notification: {
        type: 'object',
        required: ['position', 'kind', 'actor', 'postId', 'commentId', 'conversationId', 'messageId', 'excerpt', 'createdAt', 'read'],
        properties: {
          position: { type: 'integer' },
          kind: { enum: ['mention', 'reply', 'message'] },
          actor: person,
          postId: { type: ['string', 'null'] },
          commentId: { type: ['string', 'null'] },
          conversationId: { type: ['string', 'null'] },
          messageId: { type: ['string', 'null'] },
          excerpt: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          read: { type: 'boolean' },
        },
      },
      NotificationPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Notification' } }, next: { type: ['string', 'null'] } } },
      UnreadCounts: { type: 'object', required: ['notifications', 'messages'], properties: { notifications: { type: 'integer' }, messages: { type: 'integer' } } },
      Audience: {
        type: 'object',
        required: ['spaceId', 'classification', 'count', 'readers', 'notReaching'],
        properties: {
          spaceId: { type: 'string' },
          classification: { type: 'string' },
          count: { type: 'integer' },
          readers: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } } },
          notReaching: { type: 'integer', description: 'Known people who would not see it' },
        },
      },
      PrivilegedReadNotice: {
        type: 'object',
        required: ['id', 'subjectType', 'postId', 'spaceId', 'classification', 'conversationId', 'byRoles', 'readAt', 'position'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid', description: 'The privileged read (accessId of its PrivilegedContentRead event)' },
          subjectType: { enum: ['Post', 'DirectMessage'] },
          postId: { type: ['string', 'null'], format: 'uuid' },
          spaceId: { type: ['string', 'null'] },
          classification: { type: ['string', 'null'] },
          conversationId: { type: ['string', 'null'], format: 'uuid' },
          byRoles: { type: 'array', items: { type: 'string' }, description: 'The role (or directory group) through which the policy allowed the read' },
          readAt: { type: 'string', format: 'date-time' },
          position: { type: 'integer' },
        },
      },
      PrivilegedReadNoticePage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/PrivilegedReadNotice' } }, next: { type: ['string', 'null'] } } },
      InspectedPost: {
        type: 'object',
        required: ['privileged', 'accessId', 'post', 'comments'],
        additionalProperties: false,
        properties: {
          privileged: { type: 'boolean', description: 'True when the caller could not read the post as a member and the read was recorded' },
          accessId: { type: ['string', 'null'], format: 'uuid', description: 'The recorded privileged read; null for an ordinary read' },
          post: { $ref: '#/components/schemas/Post' },
          comments: { type: 'array', items: { $ref: '#/components/schemas/Comment' }, description: 'Every comment, oldest first' },
        },
      },
      InspectedConversation: {
        type: 'object',
        required: ['privileged', 'accessId', 'conversation', 'messages'],
        additionalProperties: false,
        properties: {
          privileged: { type: 'boolean' },
          accessId: { type: ['string', 'null'], format: 'uuid' },
          conversation: { $ref: '#/components/schemas/Conversation' },
          messages: { type: 'array', items: { $ref: '#/components/schemas/Message' }, description: 'Every message, oldest first' },
        },
      },
      Comment: {
        type: 'object',
        required: ['id', 'postId', 'author', 'text', 'html', 'createdAt', 'position', 'isAnswer', 'may'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          postId: { type: 'string', format: 'uuid' },
          author: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } },
          text: { type: 'string' },
          html: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          position: { type: 'integer' },
          isAnswer: { type: 'boolean', description: 'Marked as the answer to its post' },
          may: { type: 'object', additionalProperties: { type: 'boolean' } },
        },
      },
      ReportReceipt: {
        type: 'object',
        required: ['id', 'postId', 'reason', 'reportedAt', 'status'],
        properties: { id: { type: 'string', format: 'uuid' }, postId: { type: 'string', format: 'uuid' }, reason: { type: 'string' }, reportedAt: { type: 'string', format: 'date-time' }, status: { enum: ['open', 'resolved'] } },
      },
      Report: {
        type: 'object',
        required: ['id', 'post', 'reason', 'reportedBy', 'reportedAt', 'position'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          post: { $ref: '#/components/schemas/Post' },
          reason: { type: 'string' },
          reportedBy: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } } },
          reportedAt: { type: 'string', format: 'date-time' },
          position: { type: 'integer' },
        },
      },
      ReportPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Report' } }, next: { type: ['string', 'null'] } } },
      Resolution: {
        type: 'object',
        required: ['id', 'postId', 'spaceId', 'outcome', 'resolvedBy', 'resolvedAt'],
        properties: { id: { type: 'string', format: 'uuid' }, postId: { type: 'string', format: 'uuid' }, spaceId: { type: 'string' }, outcome: { enum: ['kept', 'removed'] }, resolvedBy: { type: 'string' }, resolvedAt: { type: 'string', format: 'date-time' } },
      },
      FollowingPage: {
        type: 'object',
        required: ['items', 'next'],
        properties: {
          items: { type: 'array', items: { type: 'object', required: ['kind', 'id', 'name'], properties: { kind: { enum: ['space', 'person', 'topic'] }, id: { type: 'string' }, name: { type: ['string', 'null'] } } } },
          next: { type: 'null' },
        },
      },
      CommentPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Comment' } }, next: { type: ['string', 'null'] } } },
      PostPage: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Post' } }, next: { type: ['string', 'null'] } } },
      Guideline: {
        type: 'object',
        required: ['version', 'title', 'text', 'accepted'],
        properties: { version: { type: ['string', 'null'] }, title: { type: ['string', 'null'] }, text: { type: ['string', 'null'] }, accepted: { type: 'boolean' } },
      },
      SignedOut: { type: 'object', required: ['signedOut', 'next'], properties: { signedOut: { const: true }, next: { type: 'string', description: 'Where the browser goes next: the provider’s sign-out, or "/"' } } },
      Status: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
      Readiness: {
        type: 'object',
        required: ['status', 'database', 'head', 'readModels', 'policyVersion'],
        properties: {
          status: { const: 'ready' },
          database: { enum: ['postgres', 'pglite'] },
          head: { type: 'integer', description: 'Position of the newest event' },
          readModels: {
            type: 'object',
            required: ['position', 'behind'],
            properties: { position: { type: 'integer', description: 'The position this process’s read models have reached' }, behind: { type: 'integer', description: 'Events not yet applied' } },
            description: 'The process is unready (503) once its read models have failed to update for 30 s',
          },
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
      ...peopleSchemas,
      ...adminSchemas,
    },
  },
} as const;
