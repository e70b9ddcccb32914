// Read models of the microblog's first parts: posts and comments (the text is a copy of sealed content, so
// retention removes the row when it shreds the stream's key; html is its safe rendering), follows and mutes of spaces, and
// the guideline versions people accepted. All derived from events; `events rebuild` recreates
// them. Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE posts (
      id              uuid        PRIMARY KEY,
      position        bigint      NOT NULL UNIQUE,
      space_id        text        NOT NULL,
      classification  text        NOT NULL,
      author_id       text        NOT NULL,
      mentions        text[]      NOT NULL CHECK (array_position(mentions, NULL) IS NULL),
      topics          text[]      NOT NULL CHECK (array_position(topics, NULL) IS NULL),
      text            text        NOT NULL,
      html            text        NOT NULL,
      created_at      timestamptz NOT NULL,
      edited_at       timestamptz
    )`);
  await knex.raw('CREATE INDEX posts_space_position ON posts (space_id, position DESC)');
  await knex.raw('CREATE INDEX posts_author_position ON posts (author_id, position DESC)');
  // Full-text search in German and English: "Häuser" finds "Haus", "running" finds "run".
  await knex.raw(`ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('german', text) || to_tsvector('english', text)) STORED`);
  await knex.raw('CREATE INDEX posts_search ON posts USING gin (search)');

  await knex.raw(`
    CREATE TABLE comments (
      id              uuid        PRIMARY KEY,
      position        bigint      NOT NULL UNIQUE,
      post_id         uuid        NOT NULL,
      space_id        text        NOT NULL,
      classification  text        NOT NULL,
      author_id       text        NOT NULL,
      post_author_id  text        NOT NULL,
      text            text        NOT NULL,
      html            text        NOT NULL,
      created_at      timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX comments_post_position ON comments (post_id, position)');

  await knex.raw(`
    CREATE TABLE space_follows (
      user_id   text    NOT NULL,
      space_id  text    NOT NULL,
      muted     boolean NOT NULL DEFAULT false,
      PRIMARY KEY (user_id, space_id)
    )`);

  await knex.raw(`
    CREATE TABLE guideline_acceptances (
      user_id      text        NOT NULL,
      version      text        NOT NULL,
      accepted_at  timestamptz NOT NULL,
      PRIMARY KEY (user_id, version)
    )`);

  // Answers to requests that carried an Idempotency-Key, so a client's retry gets the first
  // answer instead of a second post. status NULL: the first request is still running.
  await knex.raw(`
    CREATE TABLE idempotency_keys (
      user_id       text        NOT NULL,
      key           text        NOT NULL,
      request_hash  char(64)    NOT NULL,
      status        integer,
      body          jsonb,
      location      text,
      created_at    timestamptz NOT NULL,
      PRIMARY KEY (user_id, key)
    )`);
  await knex.raw('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');

  // A user's name for lists of posts; personal, like the text of posts.
  await knex.raw('ALTER TABLE users ADD COLUMN name text');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users DROP COLUMN name');
  await knex.raw('DROP TABLE idempotency_keys, guideline_acceptances, space_follows, comments, posts');
}
