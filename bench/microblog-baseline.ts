// The microblog benchmark's raw-SQL baseline: a timeline page, a search and a post written by
// hand (no policy filter, no query builder), following src/posts/post-queries.ts
// (timelinePosts, searchPosts, post-social.ts); the same reads restricted to the spaces a person
// may read, for the checks that compare their answers with the server's; and the tables the raw
// posts go into, so that they neither break the chain nor show up in read models.
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import { renderMarkdown } from '../src/posts/markdown.js';
import { namesIn } from '../src/posts/post-text.js';
import type { Operation } from './microblog-load.js';
import { TextMaker, type Person, type World } from './microblog-world.js';

export const PAGE = 50;

/** The page's columns as Flurfunk selects them, with the reader's ($1) view of the social parts (pins, answers, reactions). */
const SELECT_PAGE = `
  SELECT p.id, p.position, p.space_id, p.classification, p.author_id, u.name AS author_name, p.mentions, p.topics, p.text, p.html, p.created_at, p.edited_at,
         (pp.post_id IS NOT NULL) AS pinned, pa.comment_id AS answer_id,
         (SELECT jsonb_object_agg(c.reaction, c.n) FROM (SELECT reaction, count(*)::integer AS n FROM post_reactions r WHERE r.post_id = p.id GROUP BY reaction) c) AS reaction_counts,
         ARRAY(SELECT reaction FROM post_reactions r WHERE r.post_id = p.id AND r.user_id = $1) AS my_reactions
    FROM posts p LEFT JOIN users u ON u.id = p.author_id LEFT JOIN pinned_posts pp ON pp.post_id = p.id LEFT JOIN post_answers pa ON pa.post_id = p.id`;
const TIMELINE_WHERE = `
   WHERE (p.space_id IN (SELECT space_id FROM space_follows WHERE user_id = $1 AND NOT muted)
      OR p.author_id IN (SELECT person_id FROM person_follows WHERE user_id = $1)
      OR p.topics && ARRAY(SELECT topic FROM topic_follows WHERE user_id = $1)
      OR $1 = ANY (p.mentions) OR p.author_id = $1)`;
const SEARCH_WHERE = `WHERE p.search @@ (websearch_to_tsquery('german', $2) || websearch_to_tsquery('english', $2))`;
const NEWEST = `ORDER BY p.position DESC LIMIT ${PAGE + 1}`;

/** $1: the reader. */
export const RAW_TIMELINE = `${SELECT_PAGE} ${TIMELINE_WHERE} ${NEWEST}`;
/** $1: the reader, $2: the search terms. */
export const RAW_SEARCH = `${SELECT_PAGE} ${SEARCH_WHERE} ${NEWEST}`;
/** For the checks only: the same, restricted to the spaces in $2 (timeline) or $3 (search). */
export const CHECK_TIMELINE = `${SELECT_PAGE} ${TIMELINE_WHERE} AND p.space_id = ANY ($2) ${NEWEST}`;
export const CHECK_SEARCH = `${SELECT_PAGE} ${SEARCH_WHERE} AND p.space_id = ANY ($3) ${NEWEST}`;
export const MATCHES = `SELECT count(*) AS n FROM posts p WHERE p.search @@ (websearch_to_tsquery('german', $1) || websearch_to_tsquery('english', $1))`;

/** A post row and its event row in one statement, one transaction: what PostgreSQL alone does for a post. */
const RAW_POST = `
  WITH event AS (
    INSERT INTO bench_raw_events (position, id, stream_id, stream_version, type, occurred_at, actor, data, payload, policy_version, correlation_id, prev_hash, hash)
    VALUES ($1, $2, $3, 1, 'PostCreated', $4, $5, $6, $7, $8, $9, $10, $11))
  INSERT INTO bench_raw_posts (id, position, space_id, classification, author_id, mentions, topics, text, html, created_at, search)
  VALUES ($2, $1, $12, $13, $5, $14, $15, $16, $17, $4, to_tsvector('german', $16) || to_tsvector('english', $16))`;

/**
 * Tables of the same shape, constraints, indexes and rows as `events` and `posts`.
 * `bench_raw_posts.search` is a plain column, filled by the INSERT with the generated column's
 * expression, so the copy keeps the stored vectors instead of computing a million again.
 */
export async function createRawTables(knex: Knex): Promise<void> {
  for (const [source, target] of [
    ['events', 'bench_raw_events'],
    ['posts', 'bench_raw_posts'],
  ] as const) {
    await knex.raw(`CREATE TABLE ${target} (LIKE ${source} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await knex.raw(`INSERT INTO ${target} SELECT * FROM ${source}`);
    const constraints = (await knex.raw<{ rows: { name: string; def: string }[] }>(`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass AND contype IN ('p', 'u')`, [source])).rows;
    const indexes = (await knex.raw<{ rows: { name: string; def: string }[] }>(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = ?`, [source])).rows;
    const owned = new Set(constraints.map((c) => c.name));
    await knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL maintenance_work_mem = '1GB'`);
      for (const c of constraints) await trx.raw(`ALTER TABLE ${target} ADD CONSTRAINT bench_raw_${c.name} ${c.def}`);
      for (const i of indexes) if (!owned.has(i.name)) await trx.raw(i.def.replace(`INDEX ${i.name} ON public.${source} `, `INDEX bench_raw_${i.name} ON public.${target} `));
    });
    await knex.raw(`VACUUM (ANALYZE) ${target}`);
  }
}

export interface PreparedText {
  readonly text: string;
  readonly html: string;
  readonly mentions: string[];
  readonly topics: string[];
  /** Random bytes of the size the sealed text has in an event. */
  readonly payload: Buffer;
}

/** Post texts made before measuring, so that neither side pays for making them. */
export function preparedTexts(people: readonly Person[], n: number): PreparedText[] {
  const maker = new TextMaker(4711, people);
  return Array.from({ length: n }, () => {
    const text = maker.post();
    const { mentions, topics } = namesIn(text);
    // AES-GCM box: version byte, 12-byte IV, ciphertext of the JSON, 16-byte tag.
    return { text, html: renderMarkdown(text), mentions, topics, payload: crypto.randomBytes(1 + 12 + Buffer.byteLength(JSON.stringify({ text })) + 16) };
  });
}

/** The raw posting operation: person n mod 1,000 posts into one of their spaces, as the HTTP side does. */
export async function rawPoster(pool: pg.Pool, world: World, texts: readonly PreparedText[], policyVersion: string): Promise<Operation> {
  const spaces = new Map(world.spaces.map((s) => [s.id, s]));
  let position = Number((await pool.query<{ p: string }>('SELECT max(position) AS p FROM bench_raw_events')).rows[0]!.p) + 1_000_000;
  return async (_loop, n) => {
    const p = world.people[n % world.people.length]!;
    const space = spaces.get(p.posts[(n * 31) % p.posts.length]!)!;
    const t = texts[n % texts.length]!;
    const id = crypto.randomUUID();
    const at = ++position;
    const data = { postId: id, spaceId: space.id, classification: space.classification, authorId: p.id, mentions: t.mentions, topics: t.topics };
    const hash = crypto.createHash('sha256').update(`${at}`).digest('hex');
    await pool.query(RAW_POST, [at, id, `post:${id}`, new Date(), p.id, JSON.stringify(data), t.payload, policyVersion, crypto.randomUUID(), hash, hash, space.id, space.classification, t.mentions, t.topics, t.text, t.html]);
  };
}
