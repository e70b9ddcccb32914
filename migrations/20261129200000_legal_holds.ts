// Legal holds: the `legal_holds` read model of the hold streams (`hold:<id>`) for the API and
// the employees' transparency view, and a partial index on `events` that lets the retention
// barrier read the hold events themselves (not the read model, which may lag) in a few rows.
// Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE legal_holds (
      id          uuid        PRIMARY KEY,
      position    bigint      NOT NULL,
      placed_by   text        NOT NULL,
      placed_at   timestamptz NOT NULL,
      people      text[],
      spaces      text[],
      from_at     timestamptz,
      to_at       timestamptz,
      lifted_by   text,
      lifted_at   timestamptz
    )`);
  await knex.raw('CREATE INDEX legal_holds_position ON legal_holds (position DESC)');
  await knex.raw('CREATE INDEX legal_holds_active_people ON legal_holds USING gin (people) WHERE lifted_at IS NULL');
  // Only hold events are in it: tiny, however long the history. The barrier's query names the
  // same condition so the planner can use it.
  await knex.raw(`CREATE INDEX events_legal_holds ON events (position) WHERE type IN ('LegalHoldPlaced', 'LegalHoldLifted')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX events_legal_holds');
  await knex.schema.dropTable('legal_holds');
}
