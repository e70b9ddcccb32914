// The `legal_holds` read model: one row per hold, kept from its stream `hold:<id>`, for the
// API's lists and the employees' transparency view. Only clear data: the reason and the case
// reference stay sealed in the events (the API opens them for those who may read holds).
// The retention barrier does not read this table (legal-holds.ts says why).
import type { Projection } from '../events/projector.js';

export const holdsProjection: Projection = {
  name: 'legal_holds',
  types: new Set(['LegalHoldPlaced', 'LegalHoldLifted']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const id = e.data.holdId as string;
      if (e.type === 'LegalHoldPlaced') {
        await trx('legal_holds').insert({
          id,
          position: e.position,
          placed_by: e.actor,
          placed_at: e.occurredAt,
          people: (e.data.people as string[] | undefined) ?? null,
          spaces: (e.data.spaces as string[] | undefined) ?? null,
          from_at: (e.data.from as string | undefined) ?? null,
          to_at: (e.data.to as string | undefined) ?? null,
        });
      } else {
        await trx('legal_holds').where({ id }).update({ lifted_by: e.actor, lifted_at: e.occurredAt });
      }
    }
  },
  async clear(trx) {
    await trx('legal_holds').delete();
  },
};
