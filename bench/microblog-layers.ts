// Where a request's time goes when nothing else runs, for the microblog benchmark: each
// person's timeline and each search through four layers one at a time (the raw SQL;
// Flurfunk's own statements, captured from the query function and sent as they are; the query
// function in this process; HTTP), and EXPLAIN ANALYZE of the raw and Flurfunk's statements.
import type { Knex } from 'knex';
import type pg from 'pg';
import type { AppAbility } from '../src/policy/compile.js';
import { searchPosts, timelinePosts } from '../src/posts/post-queries.js';
import { PAGE, RAW_SEARCH, RAW_TIMELINE } from './microblog-baseline.js';
import { getSearch, getTimeline, type Client } from './microblog-server.js';
import type { Person, World } from './microblog-world.js';

/** What the layers need: the database both ways, the server, the people and their abilities. */
export interface Bench {
  readonly knex: Knex;
  readonly pool: pg.Pool;
  readonly client: Client;
  readonly world: World;
  readonly abilityOf: (p: Person) => AppAbility;
  readonly say: (line: string) => void;
}

export interface LayerTimes {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface Layers {
  /** Per person (timeline) or per query and repetition (search), at concurrency 1, milliseconds. */
  readonly rawSql: LayerTimes;
  /** Flurfunk's own statements (policy filter, social columns, attachments) as captured, through pg. */
  readonly flurfunkSql: LayerTimes;
  /** The query function in this process (knex, policy condition, presenting each post), no HTTP. */
  readonly queryFunction: LayerTimes;
  /** One HTTP request at a time. */
  readonly http: LayerTimes;
}

export interface Plan {
  readonly what: string;
  readonly planningMs: number | null;
  readonly executionMs: number | null;
  readonly plan: string[];
}

const round = (n: number) => Math.round(n * 100) / 100;

function times(samples: readonly number[]): LayerTimes {
  const sorted = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
  return { p50: pct(0.5), p99: pct(0.99), max: round(sorted[sorted.length - 1] ?? 0) };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Captured {
  readonly sql: string;
  readonly bindings: unknown[];
}

/** Runs `fn` and returns the statements it sent through `knex`. */
async function capture(knex: Knex, fn: () => Promise<unknown>): Promise<Captured[]> {
  const seen: Captured[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  knex.on('query', listener);
  try {
    await fn();
  } finally {
    knex.off('query', listener);
  }
  return seen;
}

/** The four layers of one request; returns the milliseconds of each. */
async function throughLayers(b: Bench, raw: () => Promise<unknown>, queryFunction: () => Promise<unknown>, http: () => Promise<unknown>): Promise<[number, number, number, number]> {
  const rawMs = await timed(raw);
  let statements: Captured[] = [];
  const functionMs = await timed(async () => (statements = await capture(b.knex, queryFunction)));
  let sqlMs = 0;
  for (const s of statements) sqlMs += await timed(() => b.pool.query(s.sql, s.bindings));
  return [rawMs, sqlMs, functionMs, await timed(http)];
}

function summary(samples: [number, number, number, number][]): Layers {
  return { rawSql: times(samples.map((s) => s[0])), flurfunkSql: times(samples.map((s) => s[1])), queryFunction: times(samples.map((s) => s[2])), http: times(samples.map((s) => s[3])) };
}

/** Every person's timeline through each layer; also the person with the median Flurfunk SQL time. */
export async function timelineLayers(b: Bench): Promise<{ layers: Layers; median: Person }> {
  const samples: [number, number, number, number][] = [];
  for (const p of b.world.people) {
    const ability = b.abilityOf(p);
    samples.push(await throughLayers(b, () => b.pool.query(RAW_TIMELINE, [p.id]), () => timelinePosts(b.knex, ability, p.id, { limit: PAGE }), () => getTimeline(b.client, p)));
  }
  const layers = summary(samples);
  const line = (what: string, t: LayerTimes) => b.say(`timeline, ${what.padEnd(46)} p50 ${t.p50} ms, p99 ${t.p99} ms, max ${t.max} ms`);
  line('raw SQL (per person)', layers.rawSql);
  line("Flurfunk's SQL (policy filter, as captured)", layers.flurfunkSql);
  line('timelinePosts() in process (knex, present)', layers.queryFunction);
  line('HTTP, one request at a time', layers.http);
  const order = b.world.people.map((p, i) => ({ p, ms: samples[i]![1] })).sort((x, y) => x.ms - y.ms);
  return { layers, median: order[Math.floor(order.length / 2)]!.p };
}

/** Each search through each layer, five times, as `person`; also the median per query and the slowest query. */
export async function searchLayers(b: Bench, person: Person, searches: readonly string[]) {
  const samples: [number, number, number, number][] = [];
  const perQuery: Record<string, { raw: number; flurfunkSql: number; http: number }> = {};
  const ability = b.abilityOf(person);
  for (const q of searches) {
    const mine: [number, number, number, number][] = [];
    for (let i = 0; i < 5; i++) mine.push(await throughLayers(b, () => b.pool.query(RAW_SEARCH, [person.id, q]), () => searchPosts(b.knex, ability, person.id, q, { limit: PAGE }), () => getSearch(b.client, person, q)));
    const s = summary(mine);
    perQuery[q] = { raw: s.rawSql.p50, flurfunkSql: s.flurfunkSql.p50, http: s.http.p50 };
    samples.push(...mine);
    b.say(`search "${q}": median raw SQL ${perQuery[q].raw} ms, Flurfunk's SQL ${perQuery[q].flurfunkSql} ms, HTTP ${perQuery[q].http} ms`);
  }
  const slowest = Object.entries(perQuery).sort((x, y) => y[1].flurfunkSql - x[1].flurfunkSql)[0]![0];
  return { layers: summary(samples), perQuery, slowest };
}

/** EXPLAIN (ANALYZE, BUFFERS), fastest of three runs. */
async function explain(pool: pg.Pool, what: string, sql: string, bindings: unknown[]): Promise<Plan> {
  const runs: Plan[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await pool.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings);
    const lines = result.rows.map((r) => Object.values(r)[0]!);
    const ms = (label: string) => {
      const line = lines.find((l) => l.startsWith(label));
      return line ? Number(/([\d.]+) ms/.exec(line)?.[1]) : null;
    };
    runs.push({ what, planningMs: ms('Planning Time'), executionMs: ms('Execution Time'), plan: lines.filter((l) => !/^(Planning|Execution) Time/.test(l)) });
  }
  return runs.sort((x, y) => (x.executionMs ?? 0) - (y.executionMs ?? 0))[0]!;
}

/** Flurfunk's page statement (the first one over posts) for a query function. */
async function pageStatement(b: Bench, fn: () => Promise<unknown>): Promise<Captured> {
  const found = (await capture(b.knex, fn)).find((c) => c.sql.includes('"posts"'));
  if (!found) throw new Error('no statement over posts was captured');
  return found;
}

/** Plans of the median and the sparsest timeline (the person whose followed spaces carry the smallest share of posts) and of two searches, raw and Flurfunk's. */
export async function plans(b: Bench, medianPerson: Person, searcher: Person, searches: readonly string[]): Promise<Plan[]> {
  const share = new Map(b.world.spaces.map((s, i) => [s.id, b.world.postShare[i]!]));
  const followed = (p: Person) => p.follows.filter((s) => !p.muted.includes(s)).reduce((sum, s) => sum + share.get(s)!, 0);
  const sparsest = [...b.world.people].sort((x, y) => followed(x) - followed(y))[0]!;
  const result: Plan[] = [];
  for (const [what, p] of [['median', medianPerson], ['sparsest', sparsest]] as const) {
    result.push(await explain(b.pool, `raw timeline, ${what} person (${p.id})`, RAW_TIMELINE, [p.id]));
    const s = await pageStatement(b, () => timelinePosts(b.knex, b.abilityOf(p), p.id, { limit: PAGE }));
    result.push(await explain(b.pool, `Flurfunk timeline, ${what} person (${p.id})`, s.sql, s.bindings));
  }
  for (const q of searches) {
    result.push(await explain(b.pool, `raw search "${q}"`, RAW_SEARCH, [searcher.id, q]));
    const s = await pageStatement(b, () => searchPosts(b.knex, b.abilityOf(searcher), searcher.id, q, { limit: PAGE }));
    result.push(await explain(b.pool, `Flurfunk search "${q}" (${searcher.id})`, s.sql, s.bindings));
  }
  for (const p of result) {
    const scans = p.plan.filter((l) => /Scan|Rows Removed|Sort Method/.test(l)).map((l) => l.trim().replace(/\s+\(cost=.*?\)/, '').slice(0, 110));
    b.say(`plan, ${p.what}: planning ${p.planningMs} ms, execution ${p.executionMs} ms; ${scans.join('; ')}`);
  }
  return result;
}
