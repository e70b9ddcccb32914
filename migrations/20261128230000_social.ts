// Read models of the microblog's social parts: reactions to posts, the comment that answers a
// post, pinned posts, reports to a space's moderators (the reason is a copy of sealed content,
// like a post's text), and the people and #topics a person follows. All derived from events;
// `events rebuild` recreates them. Plain knex and SQL only: migrations never import
// application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per person and reaction on a post: reacting twice is one reaction.
  await knex.raw(`
    CREATE TABLE post_reactions (
      post_id     uuid        NOT NULL,
      user_id     text        NOT NULL,
      reaction    text        NOT NULL,
      reacted_at  timestamptz NOT NULL,
      PRIMARY KEY (post_id, user_id, reaction)
    )`);

  // At most one answer per post.
  await knex.raw(`
    CREATE TABLE post_answers (
      post_id     uuid        PRIMARY KEY,
      comment_id  uuid        NOT NULL,
      marked_by   text        NOT NULL,
      marked_at   timestamptz NOT NULL
    )`);
  // Comments are marked by joining on their id: without this, every comment page scans the table.
  await knex.raw('CREATE INDEX post_answers_comment ON post_answers (comment_id)');

  await knex.raw(`
    CREATE TABLE pinned_posts (
      post_id    uuid        PRIMARY KEY,
      space_id   text        NOT NULL,
      position   bigint      NOT NULL,
      pinned_by  text        NOT NULL,
      pinned_at  timestamptz NOT NULL
    )`);
  await knex.raw('CREATE INDEX pinned_posts_space_position ON pinned_posts (space_id, position DESC)');

  await knex.raw(`
    CREATE TABLE post_reports (
      id           uuid        PRIMARY KEY,
      position     bigint      NOT NULL UNIQUE,
      post_id      uuid        NOT NULL,
      space_id     text        NOT NULL,
      reporter_id  text        NOT NULL,
      reason       text        NOT NULL,
      reported_at  timestamptz NOT NULL,
      outcome      text        CHECK (outcome IN ('kept', 'removed')),
      resolved_by  text,
      resolved_at  timestamptz
    )`);
  await knex.raw('CREATE INDEX post_reports_open ON post_reports (space_id, position) WHERE outcome IS NULL');
  await knex.raw('CREATE INDEX post_reports_post ON post_reports (post_id)');

  await knex.raw(`
    CREATE TABLE person_follows (
      user_id    text NOT NULL,
      person_id  text NOT NULL,
      PRIMARY KEY (user_id, person_id)
    )`);

  await knex.raw(`
    CREATE TABLE topic_follows (
      user_id  text NOT NULL,
      topic    text NOT NULL,
      PRIMARY KEY (user_id, topic)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE topic_follows, person_follows, post_reports, pinned_posts, post_answers, post_reactions');
}
