// Audit exports made through the API, as jobs: who asked for what, how far the job got, the
// file it made and what became of it. A read model of the export streams (`export:<id>`); the
// files themselves live in the data folder's `exports` directory.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_exports', (t) => {
    t.uuid('id').primary();
    t.bigInteger('position').notNullable();
    t.text('kind').notNullable();
    t.text('requested_by').notNullable();
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.jsonb('selection').notNullable();
    t.text('state').notNullable(); // running, ready, failed, removed
    t.integer('events');
    t.bigInteger('bytes');
    t.text('manifest_sha256');
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.integer('downloads').notNullable().defaultTo(0);
    t.text('failure');
    t.text('removed_because');
    t.index(['requested_by', 'position']);
    t.index(['state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_exports');
}
