// `flurfunk events rebuild` recreates every read model from the events alone: after a scripted
// scenario through HTTP (sign-ins, guideline acceptances, posts, comments, edits, deletions, follows and mutes,
// conversations, messages, attachments and read marks), the
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
  conversations: 'SELECT id, position, participants, started_by, title, last_position, created_at FROM conversations ORDER BY position',
  messages: 'SELECT id, position, conversation_id, author_id, participants, text, html, created_at FROM messages ORDER BY position',
  conversation_reads: 'SELECT user_id, conversation_id, read_position FROM conversation_reads ORDER BY user_id, conversation_id',
  attachments: 'SELECT id, position, space_id, classification, conversation_id, participants, author_id, media_type, size, sha256, chunks, name, post_id, message_id, created_at FROM attachments ORDER BY position',
  notifications: 'SELECT user_id, position, kind, actor_id, post_id, comment_id, message_id, conversation_id, created_at FROM notifications ORDER BY user_id, position',
  notification_reads: 'SELECT user_id, read_position FROM notification_reads ORDER BY user_id',
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
    const conversationOf = new Map<string, string>();
    const TOTAL = 300;
    for (let i = 0; i < TOTAL; i++) {
      const name = pick(people);
      const { browser, csrf } = sessions.get(name)!;
      const space = pick(spacesOf[name]!);
      if (i % 2 === 1) {
        // Every other step: messages, files and read marks.
        const other = pick(people.filter((p) => p !== name));
        const key = [name, other].sort().join('+');
        const conversation = conversationOf.get(key);
        const roll2 = random();
        let res: Response;
        if (!conversation) {
          res = await browser.request(`${t.base}/api/conversations`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ participants: [other] }) });
          conversationOf.set(key, ((await res.clone().json()) as { id: string }).id);
        } else if (roll2 < 0.5) {
          res = await browser.request(`${t.base}/api/conversations/${conversation}/messages`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ text: `Nachricht ${i} an ${other}` }) });
        } else if (roll2 < 0.65) {
          const form = new FormData();
          form.append('file', new Blob([`Datei ${i}\n`]), `datei-${i}.txt`);
          const uploaded = await browser.request(`${t.base}/api/attachments?${random() < 0.5 ? `conversationId=${conversation}` : `spaceId=${space}`}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: form });
          expect(uploaded.status, 'upload').to.equal(201);
          const file = (await uploaded.json()) as { id: string };
          const target = uploaded.url.includes('conversationId') ? `/api/conversations/${conversation}/messages` : `/api/spaces/${space}/posts`;
          res = await browser.request(`${t.base}${target}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ text: `Anbei ${i}`, attachments: [file.id] }) });
        } else if (roll2 < 0.85) {
          res = await browser.request(`${t.base}/api/conversations/${conversation}/read`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
        } else {
          res = await browser.request(`${t.base}/api/notifications/read`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
        }
        expect(res.status, res.url).to.be.oneOf([200, 201]);
        operations++;
        continue;
      }
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
    expect(operations).to.equal(TOTAL);
    const live = await snapshot(t.world.runtime.db.knex);
    expect(live.posts!.length).to.be.greaterThan(50);
    const kinds = new Set(done.map(([m, p]) => `${m} ${p.replace(/[0-9a-f-]{36}/, '{id}').replace(/\/spaces\/[^/]+/, '/spaces/{s}')}`));
    expect([...kinds].sort()).to.include.members(['PATCH /api/posts/{id}', 'DELETE /api/posts/{id}', 'POST /api/posts/{id}/comments', 'POST /api/spaces/{s}/posts']);
    expect(live.space_follows!.length).to.be.greaterThan(0);
    expect(live.comments!.length).to.be.greaterThan(10);
    for (const table of ['conversations', 'messages', 'conversation_reads', 'attachments', 'notifications', 'notification_reads']) expect(live[table]!.length, table).to.be.greaterThan(0);
    await t.stop();

    const result = await runCli(['events', 'rebuild'], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^rebuilt users, posts, comments, space_follows, guideline_acceptances, conversations, attachments, notifications from \d+ events in \d+ ms\n$/);

    const runtime = await t.world.start();
    try {
      expect(await snapshot(runtime.db.knex)).to.deep.equal(live);
    } finally {
      await t.world.stop();
    }
  });
});
