// `flurfunk events rebuild` recreates every read model from the events alone: after a scripted
// scenario through HTTP (sign-ins, guideline acceptances, posts, comments, edits, deletions, follows and mutes), the
// rebuilt tables equal the live ones row for row.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { Browser, signIn } from '../support/browser.js';
import { startFlurfunk } from '../support/flurfunk-server.js';
import { runCli } from '../support/processes.js';

const TABLES: Record<string, string> = {
  users: 'SELECT id, name, groups, first_seen_at, last_sign_in_at, position FROM users ORDER BY id',
  posts: 'SELECT id, position, space_id, classification, author_id, mentions, topics, text, html, created_at, edited_at FROM posts ORDER BY position',
  comments: 'SELECT id, position, post_id, space_id, classification, author_id, post_author_id, text, html, created_at FROM comments ORDER BY position',
  space_follows: 'SELECT user_id, space_id, muted FROM space_follows ORDER BY user_id, space_id',
  guideline_acceptances: 'SELECT user_id, version, accepted_at FROM guideline_acceptances ORDER BY user_id, version',
  post_reactions: 'SELECT post_id, user_id, reaction, reacted_at FROM post_reactions ORDER BY post_id, user_id, reaction',
  post_answers: 'SELECT post_id, comment_id, marked_by, marked_at FROM post_answers ORDER BY post_id',
  pinned_posts: 'SELECT post_id, space_id, position, pinned_by, pinned_at FROM pinned_posts ORDER BY post_id',
  post_reports: 'SELECT id, position, post_id, space_id, reporter_id, reason, reported_at, outcome, resolved_by, resolved_at FROM post_reports ORDER BY position',
  person_follows: 'SELECT user_id, person_id FROM person_follows ORDER BY user_id, person_id',
  topic_follows: 'SELECT user_id, topic FROM topic_follows ORDER BY user_id, topic',
  projection_positions: 'SELECT name FROM projection_positions ORDER BY name',
};

async function snapshot(knex: Knex): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) out[name] = ((await knex.raw<{ rows: unknown[] }>(sql)).rows).map((r) => JSON.parse(JSON.stringify(r)) as unknown);
  return out;
}

/** A deterministic pseudo-random sequence, so a failure replays the same scenario. */
function sequence(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('events rebuild', function () {
  it('rebuilds read models equal to the live ones after a scripted scenario', async function () {
    this.timeout(180_000);
    const t = await startFlurfunk();
    const people = ['ada', 'bernd', 'clara', 'paula'];
    const spacesOf: Record<string, string[]> = { ada: ['all-company', 'project-apollo'], bernd: ['all-company', 'sales'], clara: ['all-company', 'sales'], paula: ['all-company', 'hr'] };
    const sessions = new Map<string, { browser: Browser; csrf: string }>();
    for (const name of people) {
      const browser = new Browser();
      await signIn(browser, t.base, name);
      const me = (await (await browser.request(`${t.base}/api/me`)).json()) as { csrfToken: string };
      sessions.set(name, { browser, csrf: me.csrfToken });
      const { version } = (await (await browser.request(`${t.base}/api/guideline`)).json()) as { version: string };
      const accepted = await browser.request(`${t.base}/api/guideline/acceptance`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-CSRF-Token': me.csrfToken }, body: JSON.stringify({ version }) });
      expect(accepted.status).to.equal(201);
    }
    const random = sequence(42);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    let operations = 0;
    const done: [string, string][] = [];
    const lastPost = new Map<string, string>();
    const ownPost = new Map<string, string>();
    for (let i = 0; i < 150; i++) {
      const name = pick(people);
      const { browser, csrf } = sessions.get(name)!;
      const space = pick(spacesOf[name]!);
      const roll = random();
      const [method, path, body] =
        roll < 0.55 || lastPost.get(space) === undefined
          ? ['POST', `/api/spaces/${space}/posts`, JSON.stringify({ text: `Beitrag ${i} von @${pick(people)} zu #thema${i % 7} – äöü` })]
          : roll < 0.65
            ? ['POST', `/api/posts/${lastPost.get(space)}/comments`, JSON.stringify({ text: `Antwort ${i}` })]
          : roll < 0.7 && ownPost.get(name)
            ? (random() < 0.6 ? ['PATCH', `/api/posts/${ownPost.get(name)}`, JSON.stringify({ text: `Korrigiert ${i}` })] : ['DELETE', `/api/posts/${ownPost.get(name)}`, undefined])
          : roll < 0.8
            ? ['PUT', `/api/spaces/${space}/follow`, undefined]
            : roll < 0.87
              ? ['DELETE', `/api/spaces/${space}/follow`, undefined]
              : roll < 0.95
                ? ['PUT', `/api/spaces/${space}/mute`, undefined]
                : ['DELETE', `/api/spaces/${space}/mute`, undefined];
      const res = await browser.request(`${t.base}${path}`, { method, headers: { 'X-CSRF-Token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
      expect(res.status, `${method} ${path}`).to.be.oneOf([200, 201, 204]);
      if (path.endsWith('/posts')) {
        const { id } = (await res.json()) as { id: string };
        lastPost.set(space, id);
        ownPost.set(name, id);
      }
      if (method === 'DELETE' && path.startsWith('/api/posts/')) {
        ownPost.delete(name);
        for (const [s2, id] of lastPost) if (path.endsWith(id)) lastPost.delete(s2);
      }
      operations++;
      done.push([method, path]);
      if (i % 50 === 0) {
        // Signing in again: a new session, so a new CSRF token.
        await signIn(browser, t.base, name);
        const me = (await (await browser.request(`${t.base}/api/me`)).json()) as { csrfToken: string };
        sessions.set(name, { browser, csrf: me.csrfToken });
      }
    }
    expect(operations).to.equal(150);
    const live = await snapshot(t.world.runtime.db.knex);
    expect(live.posts!.length).to.be.greaterThan(50);
    const kinds = new Set(done.map(([m, p]) => `${m} ${p.replace(/[0-9a-f-]{36}/, '{id}').replace(/\/spaces\/[^/]+/, '/spaces/{s}')}`));
    expect([...kinds].sort()).to.include.members(['PATCH /api/posts/{id}', 'DELETE /api/posts/{id}', 'POST /api/posts/{id}/comments', 'POST /api/spaces/{s}/posts']);
    expect(live.space_follows!.length).to.be.greaterThan(0);
    expect(live.comments!.length).to.be.greaterThan(10);
    await t.stop();

    const result = await runCli(['events', 'rebuild'], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^rebuilt users, posts, comments, space_follows, guideline_acceptances, post_reactions, post_answers, pinned_posts, post_reports, person_follows, topic_follows from \d+ events in \d+ ms\n$/);

    const runtime = await t.world.start();
    try {
      expect(await snapshot(runtime.db.knex)).to.deep.equal(live);
    } finally {
      await t.world.stop();
    }
  });
});
