// Reactions to posts: a reader the policy lets `react` adds one of the closed set of reactions
// (post-social.ts) or takes it back. Idempotent: reacting twice is one reaction, and a change
// that changes nothing appends nothing. The events join the post's stream.
import { ValidationError } from '../errors.js';
import { decidingPolicy, postFor, type Caller, type CommandDeps } from './commands.js';
import { isReaction, REACTIONS, type Reaction } from './post-social.js';
import { postById, type PostView } from './post-queries.js';
import { record } from './record.js';

function reactionOf(value: string): Reaction {
  if (!isReaction(value)) throw new ValidationError(`reaction: must be one of ${REACTIONS.join(', ')}`);
  return value;
}

export async function addReaction(deps: CommandDeps, caller: Caller, postId: string, value: string): Promise<PostView> {
  const { post, policy, ability } = await postFor(deps, caller, postId, 'react');
  const reaction = reactionOf(value);
  if (post.myReactions.includes(reaction)) return post;
  const userId = caller.principal.id;
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'ReactionAdded', data: { postId: post.id, spaceId: post.spaceId, userId, reaction } }]);
  return postById(deps.knex, ability, userId, post.id);
}

/** Taking back one's own reaction needs only that the post is still readable. */
export async function removeReaction(deps: CommandDeps, caller: Caller, postId: string, value: string): Promise<PostView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const userId = caller.principal.id;
  const post = await postById(deps.knex, ability, userId, postId);
  const reaction = reactionOf(value);
  if (!post.myReactions.includes(reaction)) return post;
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'ReactionRemoved', data: { postId: post.id, spaceId: post.spaceId, userId, reaction } }]);
  return postById(deps.knex, ability, userId, post.id);
}
