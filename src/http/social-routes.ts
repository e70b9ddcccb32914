// The microblog's social routes: reactions, answers, pins, reports to moderators, following
// people and #topics. Thin like every router: read the request, run one command or query,
// present.
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { setPinned, pinnedPosts } from '../posts/pins.js';
import { decidingPolicy, readableSpace, type CommandDeps } from '../posts/commands.js';
import { markAnswer, unmarkAnswer } from '../posts/answers.js';
import { followedBy, setPersonFollow, setTopicFollow } from '../posts/following.js';
import { addReaction, removeReaction } from '../posts/reactions.js';
import { openReports, reportPost, resolveReport } from '../posts/reports.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { idempotent } from './idempotency.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

export function socialRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };
  const caller = callerOf;
  const json = (req: express.Request, what: string) => {
    if (!req.is('application/json')) throw new ValidationError(`send the ${what} as application/json`);
  };

  router.put('/api/posts/:postId/reactions/:reaction', requireSignIn, wrap(async (req, res) => {
    res.json(await addReaction(deps, caller(req, res), String(req.params.postId), String(req.params.reaction)));
  }));
  router.delete('/api/posts/:postId/reactions/:reaction', requireSignIn, wrap(async (req, res) => {
    res.json(await removeReaction(deps, caller(req, res), String(req.params.postId), String(req.params.reaction)));
  }));

  router.put('/api/posts/:postId/answer', requireSignIn, wrap(async (req, res) => {
    json(req, 'answer');
    res.json(await markAnswer(deps, caller(req, res), String(req.params.postId), req.body));
  }));
  router.delete('/api/posts/:postId/answer', requireSignIn, wrap(async (req, res) => {
    res.json(await unmarkAnswer(deps, caller(req, res), String(req.params.postId)));
  }));

  router.put('/api/posts/:postId/pin', requireSignIn, wrap(async (req, res) => {
    res.json(await setPinned(deps, caller(req, res), String(req.params.postId), true));
  }));
  router.delete('/api/posts/:postId/pin', requireSignIn, wrap(async (req, res) => {
    res.json(await setPinned(deps, caller(req, res), String(req.params.postId), false));
  }));
  router.get('/api/spaces/:spaceId/pinned', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { policy, ability } = decidingPolicy(deps, c);
    const space = readableSpace(policy, ability, String(req.params.spaceId));
    res.json(await pinnedPosts(deps.knex, ability, c.principal.id, space.id, pageOf(req.query)));
  }));

  router.post('/api/posts/:postId/reports', requireSignIn, idempotent(runtime.db.knex, runtime.clock), wrap(async (req, res) => {
    json(req, 'report');
    const { report, created } = await reportPost(deps, caller(req, res), String(req.params.postId), req.body);
    res.status(created ? 201 : 200).json(report);
  }));
  router.get('/api/spaces/:spaceId/reports', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { policy, ability } = decidingPolicy(deps, c);
    const { before, limit } = pageOf(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await openReports(deps.knex, policy, ability, c.principal.id, String(req.params.spaceId), { after: before, limit }));
  }));
  router.post('/api/reports/:reportId/resolution', requireSignIn, wrap(async (req, res) => {
    json(req, 'resolution');
    res.json(await resolveReport(deps, caller(req, res), String(req.params.reportId), req.body));
  }));

  for (const [method, follow] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    router[method]('/api/people/:userId/follow', requireSignIn, wrap(async (req, res) => {
      await setPersonFollow(deps, caller(req, res), String(req.params.userId), follow);
      res.status(204).end();
    }));
    router[method]('/api/topics/:topic/follow', requireSignIn, wrap(async (req, res) => {
      await setTopicFollow(deps, caller(req, res), String(req.params.topic), follow);
      res.status(204).end();
    }));
  }
  router.get('/api/me/following', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { policy, ability } = decidingPolicy(deps, c);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: await followedBy(deps.knex, policy, ability, c.principal.id), next: null });
  }));
  return router;
}
