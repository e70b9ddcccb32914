// Pinned posts: announcements a space's moderators (whoever the policy lets `pin`) keep at the
// top of the space. Pinning a pinned post, or unpinning one that is not, appends nothing. The
// list of a space's pins is filtered by the read policy in SQL like every list.
import type { Knex } from 'knex';
import type { NewEvent } from '../events/types.js';
import type { AppAbility } from '../policy/compile.js';
import { postFor, type Caller, type CommandDeps } from './commands.js';
import { postById, presentPosts, selectPosts, type Page, type PostRow, type PostView } from './post-queries.js';
import { record } from './record.js';

export async function setPinned(deps: CommandDeps, caller: Caller, postId: string, pinned: boolean): Promise<PostView> {
  const { post, policy, ability } = await postFor(deps, caller, postId, 'pin');
  if (post.pinned === pinned) return post;
  const userId = caller.principal.id;
  const event: NewEvent = pinned
    ? { type: 'PostPinned', data: { postId: post.id, spaceId: post.spaceId, pinnedBy: userId } }
    : { type: 'PostUnpinned', data: { postId: post.id, spaceId: post.spaceId } };
  await record(deps, caller, policy, `post:${post.id}`, [event]);
  return postById(deps.knex, ability, userId, post.id);
}

/** A space's pinned posts the reader may read, most recently pinned first, paged by the pin's position. */
export async function pinnedPosts(knex: Knex, ability: AppAbility, viewerId: string, spaceId: string, page: { before?: number; limit: number }): Promise<Page<PostView>> {
  let query = selectPosts(knex, ability, viewerId).select('pinned_posts.position as pinned_position').where('posts.space_id', spaceId).whereNotNull('pinned_posts.post_id');
  if (page.before !== undefined) query = query.where('pinned_posts.position', '<', page.before);
  const rows = (await query.orderBy('pinned_posts.position', 'desc').limit(page.limit + 1)) as (PostRow & { pinned_position: string | number })[];
  const items = rows.slice(0, page.limit);
  return { items: await presentPosts(knex, items, ability), next: rows.length > page.limit ? String(items[items.length - 1]!.pinned_position) : null };
}
