// Legal holds as the retention sweeper sees them: `Holds` (held.ts) over the hold events.
// `unlessHeldEach` reads the active holds and runs `shred` inside the barrier's shared lock
// (hold-barrier.ts explains why a concurrently placed hold cannot slip between the two);
// `covering` answers the same question without shredding (dry runs, receipts).
//
// The holds are read from the `events` table, not from the `legal_holds` read model: a
// placement is complete when its event committed, while the read model follows a moment later
// (and in another process, or the CLI, perhaps much later). Reading the events closes that
// window. The partial index `events_legal_holds` keeps it to the hold events alone.
import type { Knex } from 'knex';
import type { DatabaseKind } from '../db/database.js';
import { rawRows } from '../db/values.js';
import { holdBarrier, type HoldBarrier } from './hold-barrier.js';
import { covers, criteriaOf, type HoldCriteria } from './hold-criteria.js';
import type { HoldMatch, Holds, ShredCandidate } from './held.js';

export interface ActiveHold extends HoldCriteria {
  readonly holdId: string;
}

/** Holds placed and not lifted, in the order they were placed. */
export async function activeHolds(db: Knex | Knex.Transaction): Promise<readonly ActiveHold[]> {
  // The condition repeats the partial index's predicate word for word, so the planner uses it.
  const rows = await rawRows<{ type: string; data: string | Record<string, unknown> }>(db, `SELECT type, data FROM events WHERE type IN ('LegalHoldPlaced', 'LegalHoldLifted') ORDER BY position`);
  const active = new Map<string, ActiveHold>();
  for (const row of rows) {
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
    const holdId = data.holdId as string;
    if (row.type === 'LegalHoldPlaced') active.set(holdId, { holdId, ...criteriaOf(data) });
    else active.delete(holdId);
  }
  return [...active.values()];
}

export function matchesOf(holds: readonly ActiveHold[], candidate: ShredCandidate): readonly HoldMatch[] {
  return holds.filter((h) => covers(h, candidate)).map((h) => ({ holdId: h.holdId }));
}

export class LegalHolds implements Holds {
  private readonly barrier: HoldBarrier;

  constructor(private readonly db: { readonly knex: Knex; readonly kind: DatabaseKind }) {
    this.barrier = holdBarrier(db);
  }

  async unlessHeld(candidate: ShredCandidate, shred: () => Promise<void>): Promise<readonly HoldMatch[] | undefined> {
    return (await this.unlessHeldEach([candidate], shred)).get(candidate.streamId);
  }

  async unlessHeldEach(candidates: readonly ShredCandidate[], shred: (unheld: readonly ShredCandidate[]) => Promise<void>): Promise<ReadonlyMap<string, readonly HoldMatch[]>> {
    return this.barrier.shared(async (db) => {
      const { held, unheld } = heldAmong(await activeHolds(db), candidates);
      if (unheld.length > 0) await shred(unheld);
      return held;
    });
  }

  async covering(candidate: ShredCandidate): Promise<readonly HoldMatch[]> {
    return (await this.coveringEach([candidate])).get(candidate.streamId) ?? [];
  }

  async coveringEach(candidates: readonly ShredCandidate[]): Promise<ReadonlyMap<string, readonly HoldMatch[]>> {
    return heldAmong(await activeHolds(this.db.knex), candidates).held;
  }
}

/** Splits candidates into those the holds cover (with their holds) and the rest. */
function heldAmong(holds: readonly ActiveHold[], candidates: readonly ShredCandidate[]): { held: Map<string, readonly HoldMatch[]>; unheld: ShredCandidate[] } {
  const held = new Map<string, readonly HoldMatch[]>();
  const unheld: ShredCandidate[] = [];
  for (const c of candidates) {
    const matches = matchesOf(holds, c);
    if (matches.length > 0) held.set(c.streamId, matches);
    else unheld.push(c);
  }
  return { held, unheld };
}
