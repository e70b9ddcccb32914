// Legal holds as data-protection officers see them: one hold, or a page of all (active and
// lifted, newest first), each with its criteria, who placed and lifted it, and — opened from
// the sealed events — the reason and case reference. Lists obey the same LegalHold rule as
// single reads, in SQL. Those who may not read holds at all get 403 with the reason, like the
// audit exports; a hold they may not see (or that does not exist) is 404.
import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { AppAbility } from '../policy/compile.js';
import { refusal } from '../policy/refusal.js';
import { wherePermitted, type ColumnMap } from '../policy/sql-filter.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import type { Page } from '../posts/post-queries.js';
import { isUuid } from '../posts/record.js';

export const holdStream = (id: string) => `hold:${id}`;

export const HOLD_COLUMNS: ColumnMap = { placedBy: { column: 'legal_holds.placed_by', kind: 'text' } };

export interface HoldView {
  readonly id: string;
  readonly state: 'active' | 'lifted';
  readonly people: readonly string[] | null;
  /** Named people who have not signed in yet: a hold may precede that, but a typo holds nothing. */
  readonly peopleNotYetKnown: readonly string[];
  readonly spaces: readonly string[] | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly placedBy: string;
  readonly placedAt: string;
  /** Sealed in the event; null once its key is gone. */
  readonly reason: string | null;
  readonly caseReference: string | null;
  readonly liftedBy: string | null;
  readonly liftedAt: string | null;
  readonly liftReason: string | null;
}

export interface HoldRow {
  id: string;
  position: string | number;
  placed_by: string;
  placed_at: Date | string;
  people: string[] | null;
  spaces: string[] | null;
  from_at: Date | string | null;
  to_at: Date | string | null;
  lifted_by: string | null;
  lifted_at: Date | string | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/** The caller may take this action on holds at all; or a refusal with the policy's reason. */
export function requireHoldKeeper(ability: AppAbility, action: 'read' | 'create' | 'delete'): void {
  if (!ability.can(action, 'LegalHold')) throw refusal(ability, action, 'LegalHold', 'Legal holds are for those the policy names (data-protection officers).');
}

export async function holdRow(knex: Knex, ability: AppAbility, id: string): Promise<HoldRow> {
  const row = isUuid(id) ? ((await wherePermitted(knex('legal_holds').select('*'), ability, 'read', 'LegalHold', HOLD_COLUMNS).where('id', id).first()) as HoldRow | undefined) : undefined;
  if (!row) throw new NotFoundError();
  return row;
}

async function views(knex: Knex, store: EventStore, rows: readonly HoldRow[]): Promise<HoldView[]> {
  const named = [...new Set(rows.flatMap((r) => r.people ?? []))];
  const known = new Set(named.length === 0 ? [] : (await knex('users').whereIn('id', named).pluck('id')) as string[]);
  const result: HoldView[] = [];
  for (const row of rows) {
    const sealed: Record<string, Record<string, unknown> | undefined> = {};
    for (const event of await store.readStream(holdStream(row.id))) {
      const content = await store.personal(event);
      sealed[event.type] = content.state === 'present' ? (content.value as Record<string, unknown>) : undefined;
    }
    const text = (type: string, field: string) => (typeof sealed[type]?.[field] === 'string' ? sealed[type][field] : null);
    result.push({
      id: row.id,
      state: row.lifted_at === null ? 'active' : 'lifted',
      people: row.people,
      peopleNotYetKnown: (row.people ?? []).filter((p) => !known.has(p)),
      spaces: row.spaces,
      from: iso(row.from_at),
      to: iso(row.to_at),
      placedBy: row.placed_by,
      placedAt: iso(row.placed_at)!,
      reason: text('LegalHoldPlaced', 'reason'),
      caseReference: text('LegalHoldPlaced', 'caseReference'),
      liftedBy: row.lifted_by,
      liftedAt: iso(row.lifted_at),
      liftReason: text('LegalHoldLifted', 'reason'),
    });
  }
  return result;
}

export async function holdView(deps: CommandDeps, row: HoldRow): Promise<HoldView> {
  return (await views(deps.knex, deps.store, [row]))[0]!;
}

export async function holdById(deps: CommandDeps, caller: Caller, id: string): Promise<HoldView> {
  const { ability } = decidingPolicy(deps, caller);
  requireHoldKeeper(ability, 'read');
  return holdView(deps, await holdRow(deps.knex, ability, id));
}

export async function listHolds(deps: CommandDeps, caller: Caller, page: { before?: number; limit: number }): Promise<Page<HoldView>> {
  const { ability } = decidingPolicy(deps, caller);
  requireHoldKeeper(ability, 'read');
  let query = wherePermitted(deps.knex('legal_holds').select('*'), ability, 'read', 'LegalHold', HOLD_COLUMNS);
  if (page.before !== undefined) query = query.where('position', '<', page.before);
  const rows = (await query.orderBy('position', 'desc').limit(page.limit + 1)) as HoldRow[];
  const items = rows.slice(0, page.limit);
  return { items: await views(deps.knex, deps.store, items), next: rows.length > page.limit ? String(items[items.length - 1]!.position) : null };
}
