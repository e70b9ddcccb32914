// Routes for direct messages and conversations, attachments, notifications and unread
// counts: thin, like the microblog's.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { openDownload } from '../attachments/download.js';
import { uploadAttachment } from '../attachments/upload.js';
import { deleteMessage, markConversationRead, sendMessage, startConversation } from '../messages/conversation-commands.js';
import { conversationById, conversationsOf, messagesOf } from '../messages/conversation-queries.js';
import { markNotificationsRead, notificationsOf, unreadCounts } from '../notifications/notifications.js';
import { decidingPolicy, type CommandDeps } from '../posts/commands.js';
import { parseCursor } from '../posts/post-queries.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { idempotent } from './idempotency.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

function requireJson(req: express.Request, what: string): void {
  if (!req.is('application/json')) throw new ValidationError(`send the ${what} as application/json`);
}

export function conversationRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };
  const idem = idempotent(runtime.db.knex, runtime.clock);
  const ability = (req: express.Request, res: express.Response) => decidingPolicy(deps, callerOf(req, res)).ability;
  const noStore = (res: express.Response) => res.setHeader('Cache-Control', 'no-store');

  router.get('/api/conversations', requireSignIn, wrap(async (req, res) => {
    noStore(res);
    res.json(await conversationsOf(deps.knex, ability(req, res), callerOf(req, res).principal.id, pageOf(req.query)));
  }));

  router.post('/api/conversations', requireSignIn, idem, wrap(async (req, res) => {
    requireJson(req, 'conversation');
    const { conversation, created } = await startConversation(deps, callerOf(req, res), req.body);
    res.status(created ? 201 : 200).location(`/api/conversations/${conversation.id}`).json(conversation);
  }));

  router.get('/api/conversations/:conversationId', requireSignIn, wrap(async (req, res) => {
    noStore(res);
    res.json(await conversationById(deps.knex, ability(req, res), callerOf(req, res).principal.id, String(req.params.conversationId)));
  }));

  router.get('/api/conversations/:conversationId/messages', requireSignIn, wrap(async (req, res) => {
    const c = callerOf(req, res);
    const { ability: a } = decidingPolicy(deps, c);
    const conversation = await conversationById(deps.knex, a, c.principal.id, String(req.params.conversationId));
    noStore(res);
    res.json(await messagesOf(deps.knex, a, conversation.id, pageOf(req.query)));
  }));

  router.post('/api/conversations/:conversationId/messages', requireSignIn, idem, wrap(async (req, res) => {
    requireJson(req, 'message');
    const message = await sendMessage(deps, callerOf(req, res), String(req.params.conversationId), req.body);
    res.status(201).json(message);
  }));

  router.delete('/api/conversations/:conversationId/messages/:messageId', requireSignIn, wrap(async (req, res) => {
    await deleteMessage(deps, callerOf(req, res), String(req.params.conversationId), String(req.params.messageId));
    res.status(204).end();
  }));

  router.post('/api/conversations/:conversationId/read', requireSignIn, wrap(async (req, res) => {
    res.json(await markConversationRead(deps, callerOf(req, res), String(req.params.conversationId)));
  }));

  // Files: uploaded to a space or a conversation, then named in a post or message.
  // No Idempotency-Key here: an upload is invisible until a post or message names it.
  router.post('/api/attachments', requireSignIn, wrap(async (req, res) => {
    const { spaceId, conversationId } = req.query;
    const target = {
      spaceId: typeof spaceId === 'string' ? spaceId : undefined,
      conversationId: typeof conversationId === 'string' ? conversationId : undefined,
    };
    try {
      const attachment = await uploadAttachment(deps, callerOf(req, res), target, req);
      res.status(201).location(attachment.url).json(attachment);
    } catch (err) {
      // The rest of a refused upload is not read: close the connection after answering.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw err;
    }
  }));

  router.get('/api/attachments/:attachmentId', requireSignIn, wrap(async (req, res) => {
    const download = await openDownload(deps, callerOf(req, res), String(req.params.attachmentId), { record: req.method !== 'HEAD' });
    // Never rendered from Flurfunk's origin: a download, of the type found at upload, sandboxed.
    res.attachment(download.name);
    res.setHeader('Content-Type', download.mediaType);
    res.setHeader('Content-Length', String(download.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(download.sha256, 'hex').toString('base64')}:`);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(Readable.from(download.chunks), res);
    } catch (err) {
      // Headers are out: a broken file ends the connection instead of passing as complete.
      req.log.error({ err }, 'attachment download failed');
      res.destroy();
    }
  }));

  router.get('/api/notifications', requireSignIn, wrap(async (req, res) => {
    noStore(res);
    res.json(await notificationsOf(deps.knex, ability(req, res), callerOf(req, res).principal.id, pageOf(req.query)));
  }));

  router.post('/api/notifications/read', requireSignIn, wrap(async (req, res) => {
    const body: unknown = req.body;
    const raw = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { upTo?: unknown }).upTo : undefined;
    const upTo = raw === undefined ? undefined : parseCursor(typeof raw === 'number' ? String(raw) : raw);
    if (Number.isNaN(upTo)) throw new ValidationError('"upTo" must be the position of a notification');
    res.json(await markNotificationsRead(deps, callerOf(req, res), upTo));
  }));

  router.get('/api/unread', requireSignIn, wrap(async (req, res) => {
    noStore(res);
    res.json(await unreadCounts(deps.knex, ability(req, res), callerOf(req, res).principal.id));
  }));
  return router;
}
