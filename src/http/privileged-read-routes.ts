// Privileged reads and their notices: thin routes. A privileged read is always an explicit POST
// with a reason, never a side effect of ordinary reading; the notices are read-only (nothing
// removes one).
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { conversationById } from '../messages/conversation-queries.js';
import { decidingPolicy, readableSpace, type CommandDeps } from '../posts/commands.js';
import { inspectConversation } from '../privileged/inspect-conversation.js';
import { inspectPost } from '../privileged/inspect-post.js';
import { noticesConcerning, noticesOfConversation, noticesOfSpace } from '../privileged/notices.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

export function privilegedReadRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };
  const noStore = (res: express.Response) => res.setHeader('Cache-Control', 'no-store');
  const requireJson = (req: express.Request) => {
    if (!req.is('application/json')) throw new ValidationError('send { "reason": … } as application/json');
  };

  router.post('/api/posts/:postId/inspect', requireSignIn, wrap(async (req, res) => {
    requireJson(req);
    noStore(res);
    res.json(await inspectPost(deps, callerOf(req, res), String(req.params.postId), req.body));
  }));

  router.post('/api/conversations/:conversationId/inspect', requireSignIn, wrap(async (req, res) => {
    requireJson(req);
    noStore(res);
    res.json(await inspectConversation(deps, callerOf(req, res), String(req.params.conversationId), req.body));
  }));

  router.get('/api/spaces/:spaceId/privileged-access', requireSignIn, wrap(async (req, res) => {
    const { policy, ability } = decidingPolicy(deps, callerOf(req, res));
    const space = readableSpace(policy, ability, String(req.params.spaceId));
    noStore(res);
    res.json(await noticesOfSpace(deps.knex, space.id, pageOf(req.query)));
  }));

  router.get('/api/conversations/:conversationId/privileged-access', requireSignIn, wrap(async (req, res) => {
    const c = callerOf(req, res);
    const { ability } = decidingPolicy(deps, c);
    const conversation = await conversationById(deps.knex, ability, c.principal.id, String(req.params.conversationId));
    noStore(res);
    res.json(await noticesOfConversation(deps.knex, conversation.id, pageOf(req.query)));
  }));

  // One's own content needs no permission beyond being signed in: it is theirs.
  router.get('/api/me/privileged-access', requireSignIn, wrap(async (req, res) => {
    noStore(res);
    res.json(await noticesConcerning(deps.knex, callerOf(req, res).principal.id, pageOf(req.query)));
  }));
  return router;
}
