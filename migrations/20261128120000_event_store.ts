// The event store: the append-only, hash-chained `events` table, signed `checkpoints`, the
// per-stream data keys (`stream_keys`, the one table retention may delete from), and the
// `installation` row that ties the database to its installation and signing keys.
// Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE events (
      position        bigint      PRIMARY KEY CHECK (position > 0),
      id              uuid        NOT NULL UNIQUE,
      stream_id       text        NOT NULL CHECK (length(stream_id) BETWEEN 1 AND 200),
      stream_version  integer     NOT NULL CHECK (stream_version > 0),
      type            text        NOT NULL CHECK (type ~ '^[A-Z][A-Za-z0-9]{0,99}$'),
      occurred_at     timestamptz NOT NULL,
      actor           text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
      data            jsonb       NOT NULL,
      payload         bytea,
      policy_version  text,
      correlation_id  text,
      prev_hash       char(64)    NOT NULL,
      hash            char(64)    NOT NULL UNIQUE,
      CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
    )`);
  await knex.raw(`CREATE INDEX events_type_position ON events (type, position)`);

  await knex.raw(`
    CREATE TABLE checkpoints (
      id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      position         bigint      NOT NULL CHECK (position > 0),
      hash             char(64)    NOT NULL,
      signed_at        timestamptz NOT NULL,
      key_fingerprint  char(64)    NOT NULL,
      signature        text        NOT NULL
    )`);
  await knex.raw(`CREATE INDEX checkpoints_position ON checkpoints (position)`);

  await knex.raw(`
    CREATE TABLE stream_keys (
      stream_id    text        PRIMARY KEY,
      wrapped_key  bytea       NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now()
    )`);

  await knex.raw(`
    CREATE TABLE installation (
      id                   smallint    PRIMARY KEY CHECK (id = 1),
      key_check            char(64)    NOT NULL,
      signing_fingerprint  char(64)    NOT NULL,
      created_at           timestamptz NOT NULL DEFAULT now()
    )`);

  // The database itself refuses to change history, whoever asks. FF001 is translated into
  // AppendOnlyViolationError by src/db/errors.ts.
  await knex.raw(`
    CREATE FUNCTION flurfunk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'FF001';
    END
    $$`);
  for (const table of ['events', 'checkpoints', 'installation']) {
    await knex.raw(`CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION flurfunk_refuse_change()`);
    await knex.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION flurfunk_refuse_change()`);
  }
}

export async function down(): Promise<void> {
  throw new Error('The event store cannot be rolled back: it is the permanent record.');
}
