// Retention and erasure: data keys per stream AND author (so erasing one person destroys only their keys),
// the `retention_streams` read model the sweeper plans from, the `retention_runs` read model of
// the run events, and a partial index on the receipts (ContentShredded, PersonErased) so the
// DPO's list of them and the key refusal stay a few rows however long the history is.
// Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Keys stored before this migration sealed a whole stream: their owner is '*'.
  await knex.raw(`ALTER TABLE stream_keys ADD COLUMN owner text NOT NULL DEFAULT '*'`);
  await knex.raw('ALTER TABLE stream_keys DROP CONSTRAINT stream_keys_pkey');
  await knex.raw('ALTER TABLE stream_keys ADD PRIMARY KEY (stream_id, owner)');
  await knex.raw('ALTER TABLE stream_keys ALTER COLUMN owner DROP DEFAULT');
  await knex.raw('CREATE INDEX stream_keys_owner ON stream_keys (owner)');

  // One row per stream whose content retention may shred; its last content event decides
  // when it expires. Removed when the stream is shredded.
  await knex.raw(`
    CREATE TABLE retention_streams (
      stream_id       text        PRIMARY KEY,
      kind            text        NOT NULL CHECK (kind IN ('post', 'conversation', 'attachment', 'audit')),
      space_id        text,
      classification  text,
      has_comments    boolean     NOT NULL DEFAULT false,
      people          text[]      NOT NULL,
      first_at        timestamptz NOT NULL,
      last_at         timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX retention_streams_due ON retention_streams (kind, space_id, classification, has_comments, last_at)');

  await knex.raw(`
    CREATE TABLE retention_runs (
      id            uuid        PRIMARY KEY,
      position      bigint      NOT NULL,
      trigger       text        NOT NULL,
      started_by    text        NOT NULL,
      started_at    timestamptz NOT NULL,
      as_of         timestamptz NOT NULL,
      status        text        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
      finished_at   timestamptz,
      shredded      integer,
      held          integer,
      renewed       integer,
      per_rule      jsonb,
      error         text
    )`);
  await knex.raw('CREATE INDEX retention_runs_position ON retention_runs (position DESC)');

  // Erasure on request: a person's posts stay as placeholders (so others' comments keep their
  // thread); an erased person's profile row keeps only id and groups.
  await knex.raw('ALTER TABLE posts ADD COLUMN erased boolean NOT NULL DEFAULT false');
  await knex.raw('ALTER TABLE users ADD COLUMN erased_at timestamptz');

  await knex.raw(`CREATE INDEX events_receipts ON events (position) WHERE type IN ('ContentShredded', 'PersonErased')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX events_receipts');
  await knex.raw('ALTER TABLE users DROP COLUMN erased_at');
  await knex.raw('ALTER TABLE posts DROP COLUMN erased');
  await knex.raw('DROP TABLE retention_runs, retention_streams');
  await knex.raw('DROP INDEX stream_keys_owner');
  await knex.raw('ALTER TABLE stream_keys DROP CONSTRAINT stream_keys_pkey');
  await knex.raw(`DELETE FROM stream_keys WHERE owner <> '*'`);
  await knex.raw('ALTER TABLE stream_keys DROP COLUMN owner');
  await knex.raw('ALTER TABLE stream_keys ADD PRIMARY KEY (stream_id)');
}
