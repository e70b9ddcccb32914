// Sign-in state: `login_requests` holds what a browser's sign-in needs between leaving for the
// identity provider and coming back (state, nonce, PKCE verifier, where to return), for ten
// minutes and one use; `sessions` holds signed-in browsers. Both are keyed by the SHA-256 of a
// random token that only the browser's cookie holds, so a copy of the table opens no session.
// `users` is the directory of people who have signed in (a read model of the UserSignedIn,
// UserProfileChanged and UserGroupsChanged events), which the policy's audience function reads.
// Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE login_requests (
      id_hash        char(64)    PRIMARY KEY,
      state          text        NOT NULL,
      nonce          text        NOT NULL,
      code_verifier  text        NOT NULL,
      return_to      text        NOT NULL,
      expires_at     timestamptz NOT NULL
    )`);
  await knex.raw(`CREATE INDEX login_requests_expires ON login_requests (expires_at)`);

  await knex.raw(`
    CREATE TABLE sessions (
      id_hash        char(64)    PRIMARY KEY,
      handle         char(16)    NOT NULL UNIQUE,
      user_id        text        NOT NULL,
      name           text,
      email          text,
      groups         text[]      NOT NULL CHECK (array_position(groups, NULL) IS NULL),
      csrf_token     text        NOT NULL,
      id_token       text,
      created_at     timestamptz NOT NULL,
      last_seen_at   timestamptz NOT NULL,
      expires_at     timestamptz NOT NULL
    )`);
  await knex.raw(`CREATE INDEX sessions_user ON sessions (user_id)`);
  await knex.raw(`CREATE INDEX sessions_expires ON sessions (expires_at)`);

  await knex.raw(`
    CREATE TABLE users (
      id              text        PRIMARY KEY,
      groups          text[]      NOT NULL CHECK (array_position(groups, NULL) IS NULL),
      first_seen_at   timestamptz NOT NULL,
      last_sign_in_at timestamptz NOT NULL,
      position        bigint      NOT NULL
    )`);

  await knex.raw(`
    CREATE TABLE projection_positions (
      name      text   PRIMARY KEY,
      position  bigint NOT NULL
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE projection_positions, users, sessions, login_requests');
}
