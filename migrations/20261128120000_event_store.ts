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
      hash            char(64)    NOT NULL,
      CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
    )`);

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

  // The one way events are written. The caller has chained and hashed the rows against the
  // head and stream versions it believes current; under the chain lock this function checks
  // that belief and inserts, all in one statement and one round trip. If the belief is stale
  // (another process appended), it inserts nothing and returns the true state for a retry.
  await knex.raw(`
    CREATE FUNCTION flurfunk_append(assumed_position bigint, assumed_hash text, assumed_versions jsonb, new_events jsonb)
    RETURNS jsonb LANGUAGE plpgsql AS $$
    DECLARE
      head_position bigint := 0;
      head_hash text := repeat('0', 64);
      actual_versions jsonb;
    BEGIN
      PERFORM pg_advisory_xact_lock(7380733299763661675);
      SELECT position, hash INTO head_position, head_hash FROM events ORDER BY position DESC LIMIT 1;
      IF NOT FOUND THEN
        head_position := 0;
        head_hash := repeat('0', 64);
      END IF;
      SELECT coalesce(jsonb_object_agg(s.stream_id, coalesce(v.version, 0)), '{}'::jsonb) INTO actual_versions
        FROM jsonb_object_keys(assumed_versions) AS s(stream_id)
        LEFT JOIN LATERAL (SELECT max(stream_version) AS version FROM events e WHERE e.stream_id = s.stream_id) v ON true;
      IF head_position <> assumed_position OR head_hash <> assumed_hash OR actual_versions <> assumed_versions THEN
        RETURN jsonb_build_object('ok', false, 'position', head_position, 'hash', head_hash, 'versions', actual_versions);
      END IF;
      INSERT INTO events (position, id, stream_id, stream_version, type, occurred_at, actor, data, payload, policy_version, correlation_id, prev_hash, hash)
        SELECT r.position, r.id, r.stream_id, r.stream_version, r.type, r.occurred_at, r.actor, r.data,
               decode(r.payload, 'base64'), r.policy_version, r.correlation_id, r.prev_hash, r.hash
          FROM jsonb_to_recordset(new_events) AS r(position bigint, id uuid, stream_id text, stream_version integer, type text,
               occurred_at timestamptz, actor text, data jsonb, payload text, policy_version text, correlation_id text, prev_hash text, hash text)
         ORDER BY r.position;
      RETURN jsonb_build_object('ok', true);
    END
    $$`);

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

export function down(): Promise<void> {
  return Promise.reject(new Error('The event store cannot be rolled back: it is the permanent record.'));
}
