// The people directory and #topics: GET /api/people?q= (completion for @mentions and new
// conversations), GET /api/people/{userId} (a profile), GET /api/people/{userId}/posts (their
// posts the caller may read), GET /api/topics?q= (completion for #topics).
import express from 'express';
import { ValidationError } from '../errors.js';
import type { Projector } from '../events/projector.js';
import { findPeople, findTopics, profileOf } from '../people/people-queries.js';
import { decidingPolicy, type CommandDeps } from '../posts/commands.js';
import { postsByAuthor } from '../posts/post-queries.js';
import type { Runtime } from '../runtime.js';
import { requireSignIn } from './authenticate.js';
import { callerOf, pageOf, wrap } from './route-helpers.js';

const COMPLETIONS = 10;

function searchText(query: express.Request['query'], name: string, min: number): string {
  const value = query[name];
  if (typeof value !== 'string' || value.trim().length < min || value.length > 100) throw new ValidationError(`"${name}" must be ${min} to 100 characters`);
  return value.trim();
}

export function peopleRoutes(runtime: Runtime, projector: Projector): express.Router {
  const router = express.Router();
  const deps: CommandDeps = { knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector };

  router.get('/api/people', requireSignIn, wrap(async (req, res) => {
    const { policy, ability } = decidingPolicy(deps, callerOf(req, res));
    res.json({ items: await findPeople(deps.knex, policy, ability, searchText(req.query, 'q', 1), COMPLETIONS), next: null });
  }));
  router.get('/api/people/:userId', requireSignIn, wrap(async (req, res) => {
    const caller = callerOf(req, res);
    const { policy, ability } = decidingPolicy(deps, caller);
    res.json(await profileOf(deps.knex, policy, ability, caller.principal.id, String(req.params.userId)));
  }));
  router.get('/api/people/:userId/posts', requireSignIn, wrap(async (req, res) => {
    const caller = callerOf(req, res);
    const { policy, ability } = decidingPolicy(deps, caller);
    const page = pageOf(req.query);
    // A hidden or unknown person has no page of posts either (404, as for the profile).
    const person = await profileOf(deps.knex, policy, ability, caller.principal.id, String(req.params.userId));
    res.json(await postsByAuthor(deps.knex, ability, caller.principal.id, person.id, page));
  }));
  router.get('/api/topics', requireSignIn, wrap(async (req, res) => {
    const { ability } = decidingPolicy(deps, callerOf(req, res));
    const prefix = searchText(req.query, 'q', 0).replace(/^#/, '');
    res.json({ items: await findTopics(deps.knex, ability, prefix, COMPLETIONS), next: null });
  }));
  return router;
}
