// Commands of the microblog: decide with the active policy, append the events, wait until
// the read models have them (so the caller reads its own write), answer. A command that may
// not see its target answers exactly as if the target did not exist.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { GuidelineNotAcceptedError, NotFoundError, ValidationError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { Projector } from '../events/projector.js';
import type { ActivePolicy } from '../policy/active-policy.js';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import type { Principal } from '../policy/principal.js';
import { refusal } from '../policy/refusal.js';
import type { Space } from '../policy/model.js';
import { userStream } from '../identity/user-directory.js';
import { linkableAttachments } from '../attachments/linking.js';
import { checkedText, namesIn } from './post-text.js';
import { commentById, type CommentView } from './comment-queries.js';
import { postById, type PostView } from './post-queries.js';
import { record } from './record.js';

export interface Caller {
  readonly principal: Principal;
  readonly correlationId: string | undefined;
}

export interface CommandDeps {
  readonly knex: Knex;
  readonly store: EventStore;
  readonly policy: ActivePolicy;
  readonly projector: Projector;
}

/** The policy deciding this request, and the caller's ability under it. */
export function decidingPolicy(deps: CommandDeps, caller: Caller): { policy: CompiledPolicy; ability: AppAbility } {
  const policy = deps.policy.current;
  // The caller's roles as this policy sees them (a new version may have activated since sign-in).
  const { id, groups, name, email } = caller.principal;
  return { policy, ability: policy.abilityFor(policy.principal({ id, groups, name, email })) };
}

/** A space the caller may read, or NotFoundError (unknown and hidden look the same). */
export function readableSpace(policy: CompiledPolicy, ability: AppAbility, spaceId: string): Space {
  const space = policy.set.spaces.get(spaceId);
  if (!space || !ability.can('read', asSubject('Space', { spaceId: space.id, classification: space.classification }) as never)) throw new NotFoundError();
  return space;
}

/** The reason the policy gives for refusing `action` on `subject`, or `fallback` when it names none. */
export function reasonFor(ability: AppAbility, action: string, subject: unknown, fallback: string): string {
  return ability.relevantRuleFor(action, subject as never)?.reason ?? fallback;
}

/** Acceptances seen in each database: one is never withdrawn, so it need not be read again. */
const acceptedGuidelines = new WeakMap<Knex, Set<string>>();
const ACCEPTED_CACHE_LIMIT = 100_000;

export async function hasAcceptedGuideline(knex: Knex, userId: string, version: string): Promise<boolean> {
  const key = `${version}\u0000${userId}`;
  let seen = acceptedGuidelines.get(knex);
  if (seen?.has(key)) return true;
  const row: unknown = await knex('guideline_acceptances').where({ user_id: userId, version }).first();
  if (row === undefined) return false;
  if (!seen) acceptedGuidelines.set(knex, (seen = new Set()));
  if (seen.size >= ACCEPTED_CACHE_LIMIT) seen.clear();
  seen.add(key);
  return true;
}

export async function createPost(deps: CommandDeps, caller: Caller, spaceId: string, body: unknown): Promise<PostView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const space = readableSpace(policy, ability, spaceId);
  const { text, fields: extra } = contentBody(body, 'post', policy.set.limits.postLength, ['attachments']);
  const { mentions, topics } = namesIn(text);
  const fields = { spaceId: space.id, classification: space.classification, authorId: caller.principal.id, mentions, topics };
  const subject = asSubject('Post', fields);
  if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, `You may read space ${space.id} but not post in it.`);
  await requireGuideline(deps, policy, caller.principal.id);
  const attachments = await linkableAttachments(deps.knex, extra.attachments, caller.principal.id, { spaceId: space.id }, 'post');
  const postId = crypto.randomUUID();
  const data = { postId, ...fields, ...(attachments.length > 0 ? { attachments } : {}) };
  await record(deps, caller, policy, `post:${postId}`, [{ type: 'PostCreated', data, personal: { text } }], 0);
  return postById(deps.knex, ability, caller.principal.id, postId);
}

/** Reads a body of `{ "text": … }` plus the optional fields named; anything else is a clear 400. */
export function contentBody(body: unknown, what: string, limit: number, optional: readonly string[] = []): { text: string; fields: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError(`${what}: expected a JSON object with "text"`);
  const allowed = ['text', ...optional];
  const unknownKeys = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknownKeys.length > 0) throw new ValidationError(`${what}: unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}; expected ${allowed.map((k) => `"${k}"`).join(', ')}`);
  return { text: checkedText((body as { text?: unknown }).text, limit, what), fields: body as Record<string, unknown> };
}

function textField(body: unknown, what: string, limit: number): string {
  return contentBody(body, what, limit).text;
}

export async function requireGuideline(deps: CommandDeps, policy: CompiledPolicy, userId: string): Promise<void> {
  const guideline = policy.set.guideline;
  if (guideline && !(await hasAcceptedGuideline(deps.knex, userId, guideline.version))) throw new GuidelineNotAcceptedError(guideline.version);
}

export async function createComment(deps: CommandDeps, caller: Caller, postId: string, body: unknown): Promise<CommentView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const post = await postById(deps.knex, ability, caller.principal.id, postId); // NotFoundError unless readable
  const text = textField(body, 'comment', policy.set.limits.commentLength);
  const fields = { spaceId: post.spaceId, classification: post.classification, authorId: caller.principal.id, postAuthorId: post.author.id };
  const subject = asSubject('Comment', fields);
  if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, `You may read this post but not comment on it.`, post.id);
  await requireGuideline(deps, policy, caller.principal.id);
  const commentId = crypto.randomUUID();
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'CommentCreated', data: { commentId, postId: post.id, ...fields }, personal: { text } }]);
  const comment = await commentById(deps.knex, ability, commentId);
  if (!comment) throw new NotFoundError(); // the post was deleted meanwhile
  return comment;
}

const REFUSED: Record<keyof PostView['may'], string> = {
  update: 'update it',
  delete: 'delete it',
  readHistory: 'see its earlier versions',
  react: 'react to it',
  report: 'report it',
  pin: 'pin or unpin it',
};

/** A readable post the caller may `action`, with its subject; 404 or 403 (with the reason) otherwise. */
export async function postFor(deps: CommandDeps, caller: Caller, postId: string, action: keyof PostView['may']): Promise<{ post: PostView; policy: CompiledPolicy; ability: AppAbility }> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const post = await postById(deps.knex, ability, caller.principal.id, postId);
  if (!post.may[action]) {
    const subject = asSubject('Post', { spaceId: post.spaceId, classification: post.classification, authorId: post.author.id, mentions: post.mentions, topics: post.topics });
    throw refusal(ability, action, subject, `You may read this post but not ${REFUSED[action]}.`, post.id);
  }
  return { post, policy, ability };
}

export async function editPost(deps: CommandDeps, caller: Caller, postId: string, body: unknown): Promise<PostView> {
  const { post, policy, ability } = await postFor(deps, caller, postId, 'update');
  const text = textField(body, 'post', policy.set.limits.postLength);
  const { mentions, topics } = namesIn(text);
  // The edited post must be one the author could post now: same checks as a new one.
  const edited = asSubject('Post', { spaceId: post.spaceId, classification: post.classification, authorId: caller.principal.id, mentions, topics });
  if (!ability.can('create', edited as never)) throw refusal(ability, 'create', edited, `You may no longer post in space ${post.spaceId}.`, post.id);
  await requireGuideline(deps, policy, caller.principal.id);
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'PostEdited', data: { postId: post.id, mentions, topics }, personal: { text } }]);
  return postById(deps.knex, ability, caller.principal.id, post.id);
}

export async function deletePost(deps: CommandDeps, caller: Caller, postId: string): Promise<void> {
  const { post, policy } = await postFor(deps, caller, postId, 'delete');
  await record(deps, caller, policy, `post:${post.id}`, [{ type: 'PostDeleted', data: { postId: post.id, spaceId: post.spaceId } }]);
}

/** Every version of a post's text, oldest first, from its events (for those who may see it). */
export async function postHistory(deps: CommandDeps, caller: Caller, postId: string): Promise<{ versions: { text: string; at: string; by: string }[] }> {
  const { post } = await postFor(deps, caller, postId, 'readHistory');
  const versions: { text: string; at: string; by: string }[] = [];
  // The stream also holds the comments: page through all of it.
  for (let from = 1; ; ) {
    const page = await deps.store.readStream(`post:${post.id}`, { fromVersion: from });
    if (page.length === 0) break;
    for (const event of page) {
      if (event.type !== 'PostCreated' && event.type !== 'PostEdited') continue;
      const content = await deps.store.personal(event);
      const text = content.state === 'present' ? (content.value as { text?: unknown }).text : undefined;
      if (typeof text === 'string') versions.push({ text, at: event.occurredAt.toISOString(), by: event.actor });
    }
    from = page[page.length - 1]!.streamVersion + 1;
  }
  return { versions };
}

export async function acceptGuideline(deps: CommandDeps, caller: Caller, body: unknown): Promise<{ version: string; acceptedAt: string }> {
  const policy = deps.policy.current;
  const guideline = policy.set.guideline;
  if (!guideline) throw new NotFoundError();
  const version = typeof body === 'object' && body !== null ? (body as { version?: unknown }).version : undefined;
  if (version !== guideline.version) throw new ValidationError(`guideline: "version" must be the current version, "${guideline.version}" (read it first: GET /api/guideline)`);
  const existing = await deps.knex<{ user_id: string; version: string; accepted_at: Date | string }>('guideline_acceptances').where({ user_id: caller.principal.id, version }).first();
  if (existing) return { version, acceptedAt: new Date(existing.accepted_at).toISOString() };
  const [accepted] = await record(deps, caller, policy, userStream(caller.principal.id), [{ type: 'GuidelineAccepted', data: { userId: caller.principal.id, version } }]);
  return { version, acceptedAt: accepted!.occurredAt.toISOString() };
}

export async function setFollow(deps: CommandDeps, caller: Caller, spaceId: string, change: 'follow' | 'unfollow' | 'mute' | 'unmute'): Promise<void> {
  const { policy, ability } = decidingPolicy(deps, caller);
  const space = readableSpace(policy, ability, spaceId);
  const subject = asSubject('Space', { spaceId: space.id, classification: space.classification });
  if (change === 'follow' && !ability.can('follow', subject as never)) throw refusal(ability, 'follow', subject, `You may read space ${space.id} but not follow it.`, space.id);
  const type = { follow: 'SpaceFollowed', unfollow: 'SpaceUnfollowed', mute: 'SpaceMuted', unmute: 'SpaceUnmuted' }[change];
  await record(deps, caller, policy, userStream(caller.principal.id), [{ type, data: { userId: caller.principal.id, spaceId: space.id } }]);
}
