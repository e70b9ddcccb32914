// Indexes for reading one person's rows out of each read model, as a subject-access export does
// (GDPR Art. 15): page by page in position order, each page an index range scan rather than a
// scan of the whole table. Posts (posts_author_position), sessions (sessions_user) and
// notifications (their primary key) have one already. Plain knex and SQL only: migrations never
// import application code.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX comments_author_position ON comments (author_id, position)');
  await knex.raw('CREATE INDEX messages_author_position ON messages (author_id, position)');
  await knex.raw('CREATE INDEX attachments_author_position ON attachments (author_id, position)');
  await knex.raw('CREATE INDEX post_reports_reporter_position ON post_reports (reporter_id, position)');
  await knex.raw('CREATE INDEX post_reactions_user ON post_reactions (user_id, post_id, reaction)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX post_reactions_user, post_reports_reporter_position, attachments_author_position, messages_author_position, comments_author_position');
}
