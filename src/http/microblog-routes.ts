// The microblog's routes: thin — read the request, run one command or query, present.
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { knownUsers } from '../identity/user-directory.js';
import { audienceOf } from '../policy/audience.js';
import { commentsOfPost } from '../posts/comment-queries.js';
import { acceptGuideline, createComment, createPost, deletePost, editPost, postHistory, decidingPolicy, hasAcceptedGuideline, readableSpace, setFollow, type CommandDeps } from '../posts/commands.js';
import { postById, postsInSpace, searchPosts, timelinePosts } from '../posts/post-queries.js';
import type { Runtime } from '../runtime.js';
import { readableSpaces } from '../spaces/space-queries.js';
import { authOf, requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';
import { idempotent } from './idempotency.js';

export function microblogRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };
  const caller = callerOf;

  router.get('/api/spaces', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { policy, ability } = decidingPolicy(deps, c);
    res.json({ items: await readableSpaces(deps.knex, policy, ability, c.principal.id), next: null });
  }));

  for (const [method, path, change] of [
    ['put', 'follow', 'follow'],
    ['delete', 'follow', 'unfollow'],
    ['put', 'mute', 'mute'],
    ['delete', 'mute', 'unmute'],
  ] as const) {
    router[method](`/api/spaces/:spaceId/${path}`, requireSignIn, wrap(async (req, res) => {
      await setFollow(deps, caller(req, res), String(req.params.spaceId), change);
      res.status(204).end();
    }));
  }

  // Before posting: who will be able to read it (known people, by the active policy).
  router.get('/api/spaces/:spaceId/audience', requireSignIn, wrap(async (req, res) => {
    const { policy, ability } = decidingPolicy(deps, caller(req, res));
    const space = readableSpace(policy, ability, String(req.params.spaceId));
    const audience = audienceOf(policy, await knownUsers(deps.knex), 'Post', { spaceId: space.id, classification: space.classification, authorId: authOf(res)!.principal.id, mentions: [], topics: [] });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ spaceId: space.id, classification: space.classification, count: audience.readers.length, readers: audience.readers.map((r) => ({ id: r.id, name: r.name ?? null })), notReaching: audience.excluded });
  }));

  router.get('/api/spaces/:spaceId/posts', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { policy, ability } = decidingPolicy(deps, c);
    const space = readableSpace(policy, ability, String(req.params.spaceId));
    res.json(await postsInSpace(deps.knex, ability, c.principal.id, space.id, pageOf(req.query)));
  }));

  const idem = idempotent(runtime.db.knex, runtime.clock);
  router.post('/api/spaces/:spaceId/posts', requireSignIn, idem, wrap(async (req, res) => {
    if (!req.is('application/json')) throw new ValidationError('send the post as application/json');
    const post = await createPost(deps, caller(req, res), String(req.params.spaceId), req.body);
    res.status(201).location(`/api/posts/${post.id}`).json(post);
  }));

  router.get('/api/timeline', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { ability } = decidingPolicy(deps, c);
    res.json(await timelinePosts(deps.knex, ability, c.principal.id, pageOf(req.query)));
  }));

  router.get('/api/search', requireSignIn, wrap(async (req, res) => {
    const terms = req.query.q;
    if (typeof terms !== 'string' || terms.trim() === '' || terms.length > 200) throw new ValidationError('"q" must be 1 to 200 characters of search terms');
    const c = caller(req, res);
    const { ability } = decidingPolicy(deps, c);
    res.json(await searchPosts(deps.knex, ability, c.principal.id, terms, pageOf(req.query)));
  }));

  router.get('/api/posts/:postId', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { ability } = decidingPolicy(deps, c);
    res.json(await postById(deps.knex, ability, c.principal.id, String(req.params.postId)));
  }));

  router.patch('/api/posts/:postId', requireSignIn, wrap(async (req, res) => {
    if (!req.is('application/json')) throw new ValidationError('send the post as application/json');
    res.json(await editPost(deps, caller(req, res), String(req.params.postId), req.body));
  }));

  router.delete('/api/posts/:postId', requireSignIn, wrap(async (req, res) => {
    await deletePost(deps, caller(req, res), String(req.params.postId));
    res.status(204).end();
  }));

  router.get('/api/posts/:postId/history', requireSignIn, wrap(async (req, res) => {
    res.json(await postHistory(deps, caller(req, res), String(req.params.postId)));
  }));

  router.get('/api/posts/:postId/comments', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const { ability } = decidingPolicy(deps, c);
    const post = await postById(deps.knex, ability, c.principal.id, String(req.params.postId));
    const { before, limit } = pageOf(req.query);
    res.json(await commentsOfPost(deps.knex, ability, post.id, { after: before, limit }));
  }));

  router.post('/api/posts/:postId/comments', requireSignIn, idem, wrap(async (req, res) => {
    if (!req.is('application/json')) throw new ValidationError('send the comment as application/json');
    const comment = await createComment(deps, caller(req, res), String(req.params.postId), req.body);
    res.status(201).json(comment);
  }));

  router.get('/api/guideline', requireSignIn, wrap(async (req, res) => {
    const c = caller(req, res);
    const guideline = deps.policy.current.set.guideline;
    if (!guideline) {
      res.json({ version: null, title: null, text: null, accepted: true });
      return;
    }
    res.json({ version: guideline.version, title: guideline.title, text: guideline.text, accepted: await hasAcceptedGuideline(deps.knex, c.principal.id, guideline.version) });
  }));

  router.post('/api/guideline/acceptance', requireSignIn, wrap(async (req, res) => {
    res.status(201).json(await acceptGuideline(deps, caller(req, res), req.body));
  }));
  return router;
}
