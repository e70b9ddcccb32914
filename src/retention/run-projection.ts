// The `retention_runs` read model: one row per real retention run, from its events, for the
// DPO's view of the last runs (GET /api/retention/runs) and for finding interrupted ones.
import type { Projection } from '../events/projector.js';

export const retentionRunsProjection: Projection = {
  name: 'retention_runs',
  types: new Set(['RetentionRunStarted', 'RetentionRunCompleted', 'RetentionRunFailed']),
  async apply(trx, events) {
    for (const { event: e } of events) {
      const d = e.data as Record<string, unknown>;
      const id = d.runId as string;
      if (e.type === 'RetentionRunStarted') {
        await trx('retention_runs').insert({ id, position: e.position, trigger: d.trigger as string, started_by: e.actor, started_at: e.occurredAt, as_of: d.asOf as string, status: 'running' });
      } else if (e.type === 'RetentionRunCompleted') {
        await trx('retention_runs')
          .where({ id })
          .update({ status: 'completed', finished_at: e.occurredAt, shredded: d.shredded as number, held: d.held as number, renewed: d.renewed as number, per_rule: JSON.stringify(d.perRule) });
      } else {
        await trx('retention_runs')
          .where({ id })
          .update({ status: 'failed', finished_at: e.occurredAt, error: d.error as string, shredded: (d.shredded as number | undefined) ?? null });
      }
    }
  },
  async clear(trx) {
    await trx('retention_runs').delete();
  },
};
