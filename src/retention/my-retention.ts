// What an employee may know about how long Flurfunk keeps content (issue 7, transparency): for
// each space they can read, the retention period of its posts, comments and files and whether
// a legal hold keeps its content; for their own content, whether a hold keeps it, how long
// their direct messages are kept, and how often someone read it by privileged access — never
// which matter, who placed a hold, or why.
//
// A space is "held" when an active hold names it, or names neither people nor spaces (a time
// range alone keeps everyone's content of that time). A hold naming only people is NOT shown
// on the spaces: it would tell a person's colleagues that this person is under a legal hold.
// It is shown to each person it names, as "your content is held".
//
// Own content is held when an active hold names the person; or names no people but spaces the
// person wrote in (posts or comments); or names only a time range. Conservative by design: it
// may say "held" for content a range does not reach; it never says "not held" for held content.
import type { Knex } from 'knex';
import { asSubject, type AppAbility, type CompiledPolicy } from '../policy/compile.js';
import { ruleFor, type RetentionSubject } from './rules.js';

/** A retention period (ISO 8601) and where the policy says so; keep null: kept until erased on request. */
export interface Period {
  readonly keep: string | null;
  readonly because: string | null;
}

export interface MyRetention {
  readonly spaces: readonly { readonly spaceId: string; readonly title: string; readonly held: boolean; readonly keep: { readonly posts: Period; readonly comments: Period; readonly attachments: Period } }[];
  readonly ownContent: { readonly held: boolean; readonly keep: { readonly directMessages: Period; readonly files: Period }; readonly privilegedReads: number };
}

function period(policy: CompiledPolicy, subject: RetentionSubject, space?: { id: string; classification: string }): Period {
  const rule = ruleFor(policy.set.retention, { subject, spaceId: space?.id, classification: space?.classification });
  return { keep: rule?.keep ?? null, because: rule?.because ?? null };
}

interface ActiveRow {
  people: string[] | null;
  spaces: string[] | null;
}

export async function myRetention(knex: Knex, policy: CompiledPolicy, ability: AppAbility, userId: string): Promise<MyRetention> {
  const active = await knex<ActiveRow>('legal_holds').whereNull('lifted_at').select('people', 'spaces');
  const unpersonal = active.filter((h) => h.people === null);
  const heldSpaces = new Set(unpersonal.flatMap((h) => h.spaces ?? []));
  const rangeOnly = unpersonal.some((h) => h.spaces === null);
  const spaces = [...policy.set.spaces.values()]
    .filter((s) => ability.can('read', asSubject('Space', { spaceId: s.id, classification: s.classification }) as never))
    .map((s) => {
      const space = { id: s.id, classification: s.classification };
      return { spaceId: s.id, title: s.title, held: rangeOnly || heldSpaces.has(s.id), keep: { posts: period(policy, 'Post', space), comments: period(policy, 'Comment', space), attachments: period(policy, 'Attachment', space) } };
    });
  let held = rangeOnly || active.some((h) => h.people?.includes(userId));
  if (!held && heldSpaces.size > 0) {
    const spaceList = [...heldSpaces];
    const wrote: unknown = await knex('posts').where({ author_id: userId }).whereIn('space_id', spaceList).first('id');
    const commented: unknown = wrote ?? (await knex('comments').where({ author_id: userId }).whereIn('space_id', spaceList).first('id'));
    held = commented !== undefined;
  }
  const [{ count }] = (await knex('privileged_reads').whereRaw('affected @> ARRAY[?]::text[]', [userId]).count({ count: '*' })) as [{ count: string | number }];
  return { spaces, ownContent: { held, keep: { directMessages: period(policy, 'DirectMessage'), files: period(policy, 'Attachment') }, privilegedReads: Number(count) } };
}
