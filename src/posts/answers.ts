// The answer to a post: one of its comments, marked by whoever the policy lets `markAnswer` on
// that comment (the shipped rules: the post's author; a space grant: its moderators). Marking
// another comment replaces the answer; the events join the post's stream.
import { ValidationError } from '../errors.js';
import { refusal } from '../policy/refusal.js';
import { asSubject } from '../policy/compile.js';
import { commentById } from './comment-queries.js';
import { decidingPolicy, type Caller, type CommandDeps } from './commands.js';
import { postById, type PostView } from './post-queries.js';
import { isUuid, record } from './record.js';

/** Reads a body of exactly `{ "commentId": "<uuid>" }`. */
function commentIdOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('answer: expected a JSON object with "commentId"');
  const unknownKeys = Object.keys(body).filter((k) => k !== 'commentId');
  if (unknownKeys.length > 0) throw new ValidationError(`answer: unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}; expected "commentId"`);
  const { commentId } = body as { commentId?: unknown };
  if (typeof commentId !== 'string') throw new ValidationError('answer: "commentId" must be the id of a comment on this post');
  return commentId;
}

const REFUSED = 'You may read this post but not mark its answer.';

export async function markAnswer(deps: CommandDeps, caller: Caller, postId: string, body: unknown): Promise<PostView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const userId = caller.principal.id;
  const post = await postById(deps.knex, ability, userId, postId);
  const commentId = commentIdOf(body);
  const comment = isUuid(commentId) ? await commentById(deps.knex, ability, commentId) : undefined;
  if (!comment || comment.postId !== post.id) throw new ValidationError('answer: "commentId" must be the id of a comment on this post');
  if (!comment.may.markAnswer) {
    const subject = asSubject('Comment', { spaceId: post.spaceId, classification: post.classification, authorId: comment.author.id, postAuthorId: post.author.id });
    throw refusal(ability, 'markAnswer', subject, REFUSED, post.id);
  }
  if (post.answerId === comment.id) return post;
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'AnswerMarked', data: { postId: post.id, spaceId: post.spaceId, commentId: comment.id, markedBy: userId } }]);
  return postById(deps.knex, ability, userId, post.id);
}

export async function unmarkAnswer(deps: CommandDeps, caller: Caller, postId: string): Promise<PostView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const userId = caller.principal.id;
  const post = await postById(deps.knex, ability, userId, postId);
  const answer = post.answerId === null ? undefined : await commentById(deps.knex, ability, post.answerId);
  // Without an answer, ask about a comment on this post in general (no author to test).
  const subject = asSubject('Comment', { spaceId: post.spaceId, classification: post.classification, postAuthorId: post.author.id, ...(answer ? { authorId: answer.author.id } : {}) });
  if (!ability.can('markAnswer', subject as never)) throw refusal(ability, 'markAnswer', subject, REFUSED, post.id);
  if (!answer) return post;
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'AnswerUnmarked', data: { postId: post.id, spaceId: post.spaceId, commentId: answer.id } }]);
  return postById(deps.knex, ability, userId, post.id);
}
