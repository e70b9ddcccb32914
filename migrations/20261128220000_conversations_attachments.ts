// Direct messages, attachments and notifications. Every table here is a read model derived
// from events (`events rebuild` recreates it) except attachment_chunks: the sealed bytes of
// uploaded files are primary data like the events' payloads, and only retention removes them.
// Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // How many files a post carries, so a page of posts without any costs no attachment query.
  await knex.raw('ALTER TABLE posts ADD COLUMN attachment_count integer NOT NULL DEFAULT 0');

  await knex.raw(`
    CREATE TABLE conversations (
      id             uuid        PRIMARY KEY,
      position       bigint      NOT NULL UNIQUE,
      participants   text[]      NOT NULL CHECK (array_position(participants, NULL) IS NULL),
      started_by     text        NOT NULL,
      title          text,
      last_position  bigint      NOT NULL,
      created_at     timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX conversations_participants ON conversations USING gin (participants)');

  await knex.raw(`
    CREATE TABLE messages (
      id               uuid        PRIMARY KEY,
      position         bigint      NOT NULL UNIQUE,
      conversation_id  uuid        NOT NULL,
      author_id        text        NOT NULL,
      participants     text[]      NOT NULL CHECK (array_position(participants, NULL) IS NULL),
      text             text        NOT NULL,
      html             text        NOT NULL,
      attachment_count integer     NOT NULL DEFAULT 0,
      created_at       timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX messages_conversation_position ON messages (conversation_id, position DESC)');

  // How far each participant has read a conversation, for unread counts.
  await knex.raw(`
    CREATE TABLE conversation_reads (
      user_id          text   NOT NULL,
      conversation_id  uuid   NOT NULL,
      read_position    bigint NOT NULL,
      PRIMARY KEY (user_id, conversation_id)
    )`);

  await knex.raw(`
    CREATE TABLE attachments (
      id               uuid        PRIMARY KEY,
      position         bigint      NOT NULL UNIQUE,
      space_id         text,
      classification   text,
      conversation_id  uuid,
      participants     text[]      NOT NULL CHECK (array_position(participants, NULL) IS NULL),
      author_id        text        NOT NULL,
      media_type       text        NOT NULL,
      size             bigint      NOT NULL,
      sha256           char(64)    NOT NULL,
      chunks           integer     NOT NULL,
      name             text        NOT NULL,
      post_id          uuid,
      message_id       uuid,
      created_at       timestamptz NOT NULL,
      CHECK ((space_id IS NULL) <> (conversation_id IS NULL))
    )`);
  await knex.raw('CREATE INDEX attachments_post ON attachments (post_id) WHERE post_id IS NOT NULL');
  await knex.raw('CREATE INDEX attachments_message ON attachments (message_id) WHERE message_id IS NOT NULL');

  // Uploaded bytes, sealed per chunk under the attachment stream's data key.
  await knex.raw(`
    CREATE TABLE attachment_chunks (
      attachment_id  uuid    NOT NULL,
      seq            integer NOT NULL,
      box            bytea   NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (attachment_id, seq)
    )`);

  await knex.raw(`
    CREATE TABLE notifications (
      user_id          text        NOT NULL,
      position         bigint      NOT NULL,
      kind             text        NOT NULL CHECK (kind IN ('mention', 'reply', 'message')),
      actor_id         text        NOT NULL,
      post_id          uuid,
      comment_id       uuid,
      message_id       uuid,
      conversation_id  uuid,
      created_at       timestamptz NOT NULL,
      PRIMARY KEY (user_id, position)
    )`);
  await knex.raw('CREATE INDEX notifications_post ON notifications (post_id) WHERE post_id IS NOT NULL');

  // A kept answer replays with its own content type (a 202 "stored, not yet visible" is problem+json).
  await knex.raw('ALTER TABLE idempotency_keys ADD COLUMN content_type text');

  await knex.raw(`
    CREATE TABLE notification_reads (
      user_id        text   PRIMARY KEY,
      read_position  bigint NOT NULL
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_keys DROP COLUMN content_type');
  await knex.raw('ALTER TABLE posts DROP COLUMN attachment_count');
  await knex.raw('DROP TABLE notification_reads, notifications, attachment_chunks, attachments, conversation_reads, messages, conversations');
}
