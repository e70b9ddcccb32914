// POST /api/posts/{id}/inspect: a privileged read of a post with all its comments. Someone who
// may read the post anyway gets it as always and nothing is recorded (no reason needed: nothing
// privileged happens). Someone the policy lets `inspect` it must state a reason; the read is
// recorded before the content leaves. Anyone else gets 404, as for a post that does not exist,
// decided before the reason is looked at.
import { NotFoundError } from '../errors.js';
import { asSubject } from '../policy/compile.js';
import { allCommentsOfPost, type CommentView } from '../posts/comment-queries.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import { presentPosts, selectAnyPosts, type PostRow, type PostView } from '../posts/post-queries.js';
import { isUuid } from '../posts/record.js';
import { privilegedAccess, recordPrivilegedRead } from './privileged-read.js';
import { statedReason } from './stated-reason.js';

export interface InspectedPost {
  /** True when the caller could not read the post as a member and the read was recorded. */
  readonly privileged: boolean;
  /** The recorded privileged read; null for an ordinary read. */
  readonly accessId: string | null;
  readonly post: PostView;
  /** Every comment, oldest first (for an ordinary read: those the caller may read). */
  readonly comments: readonly CommentView[];
}

export async function inspectPost(deps: CommandDeps, caller: Caller, postId: string, body: unknown): Promise<InspectedPost> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const viewer = caller.principal.id;
  const row = async () => (isUuid(postId) ? ((await selectAnyPosts(deps.knex, viewer).where('posts.id', postId).first()) as PostRow | undefined) : undefined);
  const found = await row();
  if (!found) throw new NotFoundError();
  const subject = asSubject('Post', { spaceId: found.space_id, classification: found.classification, authorId: found.author_id, mentions: found.mentions, topics: found.topics });
  const access = privilegedAccess(ability, subject);
  if (access === 'ordinary') {
    const [post] = await presentPosts(deps.knex, [found], ability);
    return { privileged: false, accessId: null, post: post!, comments: await allCommentsOfPost(deps.knex, ability, found.id, true) };
  }
  const reason = statedReason(body);
  const comments = await allCommentsOfPost(deps.knex, ability, found.id, false);
  const affected = [...new Set([found.author_id, ...comments.map((c) => c.author.id)])];
  const facts = { subjectType: 'Post', postId: found.id, spaceId: found.space_id, classification: found.classification, authorId: found.author_id, commentCount: comments.length, affected };
  const accessId = await recordPrivilegedRead(deps, caller, policy, access, facts, reason);
  // Read again: the post now carries the notice of this very read.
  const [post] = await presentPosts(deps.knex, [(await row()) ?? found], ability);
  return { privileged: true, accessId, post: post!, comments };
}
