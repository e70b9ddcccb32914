// The audit trail as the audit query reads it: the events' public columns (never the sealed
// payload) plus the space an event concerns, lifted out of its data so the AuditLog policy's
// `spaceId` can be tested in SQL like any column. A view, not a copy: nothing to rebuild.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE VIEW audit_events AS
      SELECT position, id, stream_id, stream_version, type, occurred_at, actor, data,
             payload IS NOT NULL AS has_personal, policy_version, correlation_id, hash,
             data->>'spaceId' AS space_id
        FROM events`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP VIEW audit_events');
}
