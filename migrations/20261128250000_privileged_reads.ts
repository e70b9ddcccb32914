// The notices of privileged reads: one row per PrivilegedContentRead event, naming what was
// read (a post in a space, or a conversation), when, through which role, and whose content it
// showed, so members, authors and participants can see that it happened. No reason and no name
// of the reader: those stay in the event for data-protection officers. Derived from the events
// like every read model (`events rebuild` recreates it); no route deletes from it, and deleting
// a post leaves its notices. Plain knex and SQL only: migrations never import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE privileged_reads (
      id               uuid        PRIMARY KEY,
      position         bigint      NOT NULL UNIQUE,
      subject_type     text        NOT NULL CHECK (subject_type IN ('Post', 'DirectMessage')),
      post_id          uuid,
      space_id         text,
      classification   text,
      conversation_id  uuid,
      affected         text[]      NOT NULL,
      via              text[]      NOT NULL,
      read_at          timestamptz NOT NULL,
      CHECK ((subject_type = 'Post') = (post_id IS NOT NULL AND space_id IS NOT NULL)),
      CHECK ((subject_type = 'DirectMessage') = (conversation_id IS NOT NULL))
    )`);
  await knex.raw('CREATE INDEX privileged_reads_space ON privileged_reads (space_id, position DESC) WHERE space_id IS NOT NULL');
  await knex.raw('CREATE INDEX privileged_reads_post ON privileged_reads (post_id) WHERE post_id IS NOT NULL');
  await knex.raw('CREATE INDEX privileged_reads_conversation ON privileged_reads (conversation_id, position DESC) WHERE conversation_id IS NOT NULL');
  await knex.raw('CREATE INDEX privileged_reads_affected ON privileged_reads USING gin (affected)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE privileged_reads');
}
