// `flurfunk events rebuild` recreates every read model from the events alone: after a scripted
// scenario through HTTP (sign-ins, guideline acceptances, posts, comments, edits, deletions, follows and mutes of
// spaces, people and topics, reactions, answers, pins, reports and their resolutions, conversations, messages,
// attachments and read marks, a privileged read, audit export jobs, legal holds placed and lifted), the rebuilt tables equal the live ones row for row.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { Browser, signIn } from '../support/browser.js';
import { startFlurfunk } from '../support/flurfunk-server.js';
import { runCli } from '../support/processes.js';

const TABLES: Record<string, string> = {
  users: 'SELECT id, name, groups, first_seen_at, last_sign_in_at, position FROM users ORDER BY id',
  posts: 'SELECT id, position, space_id, classification, author_id, mentions, topics, text, html, created_at, edited_at, attachment_count FROM posts ORDER BY position',
  comments: 'SELECT id, position, post_id, space_id, classification, author_id, post_author_id, text, html, created_at FROM comments ORDER BY position',
  space_follows: 'SELECT user_id, space_id, muted FROM space_follows ORDER BY user_id, space_id',
  guideline_acceptances: 'SELECT user_id, version, accepted_at FROM guideline_acceptances ORDER BY user_id, version',
  post_reactions: 'SELECT post_id, user_id, reaction, reacted_at FROM post_reactions ORDER BY post_id, user_id, reaction',
  post_answers: 'SELECT post_id, comment_id, marked_by, marked_at FROM post_answers ORDER BY post_id',
  pinned_posts: 'SELECT post_id, space_id, position, pinned_by, pinned_at FROM pinned_posts ORDER BY post_id',
  post_reports: 'SELECT id, position, post_id, space_id, reporter_id, reason, reported_at, outcome, resolved_by, resolved_at FROM post_reports ORDER BY position',
  person_follows: 'SELECT user_id, person_id FROM person_follows ORDER BY user_id, person_id',
  topic_follows: 'SELECT user_id, topic FROM topic_follows ORDER BY user_id, topic',
  conversations: 'SELECT id, position, participants, started_by, title, last_position, created_at FROM conversations ORDER BY position',
  messages: 'SELECT id, position, conversation_id, author_id, participants, text, html, attachment_count, created_at FROM messages ORDER BY position',
  conversation_reads: 'SELECT user_id, conversation_id, read_position FROM conversation_reads ORDER BY user_id, conversation_id',
  attachments: 'SELECT id, position, space_id, classification, conversation_id, participants, author_id, media_type, size, sha256, chunks, name, post_id, message_id, created_at FROM attachments ORDER BY position',
  notifications: 'SELECT user_id, position, kind, actor_id, post_id, comment_id, message_id, conversation_id, created_at FROM notifications ORDER BY user_id, position',
  notification_reads: 'SELECT user_id, read_position FROM notification_reads ORDER BY user_id',
  audit_exports: 'SELECT id, position, kind, requested_by, requested_at, selection, state, events, bytes, manifest_sha256, finished_at, expires_at, downloads, failure, removed_because FROM audit_exports ORDER BY position',
  privileged_reads: 'SELECT id, position, subject_type, post_id, space_id, classification, conversation_id, affected, via, read_at FROM privileged_reads ORDER BY position',
  legal_holds: 'SELECT id, position, placed_by, placed_at, people, spaces, from_at, to_at, lifted_by, lifted_at FROM legal_holds ORDER BY position',
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
    const moderates: Record<string, string[]> = { clara: ['sales'], paula: ['hr'] };
    const done: [string, string][] = [];
    const lastPost = new Map<string, string>(); // space → its newest post
    const ownPost = new Map<string, string>(); // person → their newest post
    const authorOf = new Map<string, string>(); // post → its author
    const commented = new Map<string, { postId: string; commentId: string }>(); // author → a comment on one of their posts
    const pinned = new Map<string, string>(); // post → space
    const answered = new Set<string>();
    const reacted = new Set<string>(); // "person <post id>/reactions/<reaction>"
    const follows = new Set<string>(); // "person people/<id>" or "person topics/<topic>"
    let openReports: { id: string; postId: string; space: string; by: string }[] = [];
    /** A post is gone (deleted by its author or removed on a report): nothing may name it any more. */
    const forget = (postId: string) => {
      for (const map of [lastPost, ownPost]) for (const [key, id] of map) if (id === postId) map.delete(key);
      for (const [key, c] of commented) if (c.postId === postId) commented.delete(key);
      pinned.delete(postId);
      answered.delete(postId);
      for (const r of reacted) if (r.includes(postId)) reacted.delete(r);
      openReports = openReports.filter((r) => r.postId !== postId);
    };
    type Operation = [method: string, path: string, body?: unknown];
    /** The next operation; when a roll's operation is not possible, the next one down the list. */
    const choose = (i: number, name: string, space: string): Operation => {
      const roll = random();
      const target = lastPost.get(space);
      const own = ownPost.get(name);
      if (roll < 0.4 || target === undefined) return ['POST', `/api/spaces/${space}/posts`, { text: `Beitrag ${i} von @${pick(people)} zu #thema${i % 7} – äöü` }];
      if (roll < 0.48) return ['POST', `/api/posts/${target}/comments`, { text: `Antwort ${i}` }];
      if (roll < 0.53 && own) return random() < 0.6 ? ['PATCH', `/api/posts/${own}`, { text: `Korrigiert ${i}` }] : ['DELETE', `/api/posts/${own}`];
      const given = [...reacted].filter((r) => r.startsWith(`${name} `));
      if (roll < 0.6) return given.length > 0 && random() < 0.4 ? ['DELETE', `/api/posts/${pick(given).split(' ')[1]}`] : ['PUT', `/api/posts/${target}/reactions/${pick(['like', 'thanks', 'celebrate', 'insightful'])}`];
      const question = commented.get(name);
      if (roll < 0.66 && question) {
        const { postId, commentId } = question;
        return answered.has(postId) && random() < 0.5 ? ['DELETE', `/api/posts/${postId}/answer`] : ['PUT', `/api/posts/${postId}/answer`, { commentId }];
      }
      if (roll < 0.76) return ['POST', `/api/posts/${target}/reports`, { reason: `Meldung ${i}: bitte prüfen – äöü` }];
      if (roll < 0.86) {
        const followed = [...follows].filter((f) => f.startsWith(`${name} `));
        if (followed.length > 0 && random() < 0.4) return ['DELETE', `/api/${pick(followed).split(' ')[1]}/follow`];
        return ['PUT', `/api/${random() < 0.5 ? `people/${pick(people.filter((p) => p !== name))}` : `topics/thema${Math.floor(random() * 7)}`}/follow`];
      }
      if (roll < 0.92) return ['PUT', `/api/spaces/${space}/follow`];
      if (roll < 0.95) return ['DELETE', `/api/spaces/${space}/follow`];
      return [roll < 0.98 ? 'PUT' : 'DELETE', `/api/spaces/${space}/mute`];
    };
    /** A moderator's turn in the space they moderate: resolve a report, or pin (at most two pins a space; a third unpins the oldest). */
    const moderate = (i: number, space: string): Operation => {
      const report = openReports.find((r) => r.space === space);
      if (report && random() < 0.6) return ['POST', `/api/reports/${report.id}/resolution`, { outcome: random() < 0.6 ? 'kept' : 'removed' }];
      const target = lastPost.get(space);
      if (target === undefined) return ['POST', `/api/spaces/${space}/posts`, { text: `Ankündigung ${i}` }];
      const pinnedHere = [...pinned].filter(([, s]) => s === space);
      return pinnedHere.length >= 2 ? ['DELETE', `/api/posts/${pinnedHere[0]![0]}/pin`] : ['PUT', `/api/posts/${target}/pin`];
    };
    const conversationOf = new Map<string, string>(); // "a+b" → their conversation
    let privateOperations = 0;
    /** Direct messages, files and read marks: every other operation that is not a moderator's. */
    const converse = async (i: number, name: string, space: string, browser: Browser, csrf: string): Promise<void> => {
      const other = pick(people.filter((p) => p !== name));
      const key = [name, other].sort().join('+');
      const conversation = conversationOf.get(key);
      const roll = random();
      const post = (path: string, body?: unknown) => browser.request(`${t.base}${path}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      let res: Response;
      if (!conversation) {
        res = await post('/api/conversations', { participants: [other] });
        conversationOf.set(key, ((await res.clone().json()) as { id: string }).id);
      } else if (roll < 0.5) {
        res = await post(`/api/conversations/${conversation}/messages`, { text: `Nachricht ${i} an @${other}` });
      } else if (roll < 0.65) {
        const form = new FormData();
        form.append('file', new Blob([`Datei ${i}\n`]), `datei-${i}.txt`);
        const inConversation = random() < 0.5;
        const uploaded = await browser.request(`${t.base}/api/attachments?${inConversation ? `conversationId=${conversation}` : `spaceId=${space}`}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf }, body: form });
        expect(uploaded.status, 'upload').to.equal(201);
        const file = (await uploaded.json()) as { id: string };
        res = await post(inConversation ? `/api/conversations/${conversation}/messages` : `/api/spaces/${space}/posts`, { text: `Anbei ${i}`, attachments: [file.id] });
      } else if (roll < 0.85) {
        res = await post(`/api/conversations/${conversation}/read`);
      } else {
        res = await post('/api/notifications/read');
      }
      expect(res.status, res.url).to.be.oneOf([200, 201]);
      privateOperations++;
    };
    const OPERATIONS = 400;
    for (let i = 0; i < OPERATIONS; i++) {
      // Every tenth operation is a moderator's, taking turns: clara in sales, paula in hr.
      const moderator = i % 10 === 5 ? (i % 20 === 5 ? 'clara' : 'paula') : undefined;
      const name = moderator ?? pick(people);
      const { browser, csrf } = sessions.get(name)!;
      const space = moderator ? moderates[moderator]![0]! : pick(spacesOf[name]!);
      if (!moderator && i % 2 === 1) {
        await converse(i, name, space, browser, csrf);
        continue;
      }
      const [method, path, body] = moderator ? moderate(i, space) : choose(i, name, space);
      const res = await browser.request(`${t.base}${path}`, { method, headers: { 'X-CSRF-Token': csrf, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      expect(res.status, `${method} ${path}`).to.be.oneOf([200, 201, 204]);
      const answer = res.status === 204 ? undefined : ((await res.json()) as { id: string });
      const postId = /^\/api\/posts\/([0-9a-f-]{36})/.exec(path)?.[1];
      if (path.endsWith('/posts')) {
        lastPost.set(space, answer!.id);
        ownPost.set(name, answer!.id);
        authorOf.set(answer!.id, name);
      } else if (path.endsWith('/comments')) {
        commented.set(authorOf.get(postId!)!, { postId: postId!, commentId: answer!.id });
      } else if (path.includes('/reactions/')) {
        const reaction = `${name} ${path.slice('/api/posts/'.length)}`;
        if (method === 'PUT') reacted.add(reaction);
        else reacted.delete(reaction);
      } else if (path.endsWith('/follow') && !path.startsWith('/api/spaces/')) {
        const followed = `${name} ${path.slice('/api/'.length, -'/follow'.length)}`;
        if (method === 'PUT') follows.add(followed);
        else follows.delete(followed);
      } else if (path.endsWith('/answer')) {
        if (method === 'PUT') answered.add(postId!);
        else answered.delete(postId!);
      } else if (path.endsWith('/pin')) {
        if (method === 'PUT') pinned.set(postId!, space);
        else pinned.delete(postId!);
      } else if (method === 'DELETE' && path === `/api/posts/${postId}`) {
        forget(postId!);
      } else if (path.endsWith('/reports') && res.status === 201) {
        openReports.push({ id: answer!.id, postId: postId!, space, by: name });
      } else if (path.endsWith('/resolution')) {
        const resolved = openReports.find((r) => path.includes(r.id))!;
        openReports = openReports.filter((r) => r !== resolved);
        if ((body as { outcome: string }).outcome === 'removed') forget(resolved.postId);
      }
      done.push([method, path]);
      if (i % 50 === 0) {
        // Signing in again: a new session, so a new CSRF token.
        await signIn(browser, t.base, name);
        const me = (await (await browser.request(`${t.base}/api/me`)).json()) as { csrfToken: string };
        sessions.set(name, { browser, csrf: me.csrfToken });
      }
    }
    expect(done.length + privateOperations).to.equal(OPERATIONS);
    // A data-protection officer inspects a sales post they cannot read (a privileged read).
    const dieter = new Browser();
    await signIn(dieter, t.base, 'dieter');
    const dieterCsrf = ((await (await dieter.request(`${t.base}/api/me`)).json()) as { csrfToken: string }).csrfToken;
    const salesPost = await t.world.runtime.db.knex('posts').where({ space_id: 'sales' }).first<{ id: string }>('id');
    const inspected = await dieter.request(`${t.base}/api/posts/${salesPost.id}/inspect`, { method: 'POST', headers: { 'X-CSRF-Token': dieterCsrf, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'Prüfung eines Hinweises, Vorgang DS-1' }) });
    expect(((await inspected.json()) as { privileged: boolean }).privileged).to.equal(true);
    // ... and makes an audit export through the API, downloads it (which removes the file), and starts another.
    const asDieter = async <B>(url: string, init: RequestInit = {}): Promise<B> => (await (await dieter.request(`${t.base}${url}`, { ...init, headers: { 'X-CSRF-Token': dieterCsrf, 'content-type': 'application/json' } })).json()) as B;
    const until = async (what: string, probe: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 30_000; !(await probe()); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    };
    for (const body of [{ filters: { type: 'PostCreated' } }, {}]) {
      const job = await asDieter<{ id: string }>('/api/audit/exports', { method: 'POST', body: JSON.stringify(body) });
      await until('the export', async () => (await asDieter<{ state: string }>(`/api/audit/exports/${job.id}`)).state === 'ready');
      if (body.filters) {
        const zip = await dieter.request(`${t.base}/api/audit/exports/${job.id}/download`);
        expect((await zip.arrayBuffer()).byteLength).to.be.greaterThan(0);
        await until('the removal after the download', async () => (await asDieter<{ state: string }>(`/api/audit/exports/${job.id}`)).state === 'removed');
      }
    }
    // ... and places two legal holds, lifting one.
    const hold = async (body: object) => asDieter<{ id: string }>('/api/holds', { method: 'POST', body: JSON.stringify({ reason: 'Aufbewahrung wegen Klage', caseReference: 'AZ 1/26', ...body }) });
    const first = await hold({ people: ['ada'], spaces: ['project-apollo'], from: '2026-01-01', to: '2026-03-31' });
    await hold({ spaces: ['sales'] });
    await asDieter(`/api/holds/${first.id}/lift`, { method: 'POST', body: JSON.stringify({ reason: 'Verfahren abgeschlossen' }) });
    const live = await snapshot(t.world.runtime.db.knex);
    expect(live.posts!.length).to.be.greaterThan(50);
    const kinds = new Set(
      done.map(
        ([m, p]) =>
          `${m} ${p
            .replace(/[0-9a-f-]{36}/g, '{id}')
            .replace(/\/spaces\/[^/]+/, '/spaces/{s}')
            .replace(/\/reactions\/\w+/, '/reactions/{r}')
            .replace(/\/people\/\w+/, '/people/{p}')
            .replace(/\/topics\/\w+/, '/topics/{t}')}`,
      ),
    );
    expect([...kinds].sort()).to.include.members([
      'PATCH /api/posts/{id}',
      'DELETE /api/posts/{id}',
      'POST /api/posts/{id}/comments',
      'POST /api/spaces/{s}/posts',
      'PUT /api/posts/{id}/reactions/{r}',
      'DELETE /api/posts/{id}/reactions/{r}',
      'PUT /api/posts/{id}/answer',
      'DELETE /api/posts/{id}/answer',
      'PUT /api/posts/{id}/pin',
      'DELETE /api/posts/{id}/pin',
      'POST /api/posts/{id}/reports',
      'POST /api/reports/{id}/resolution',
      'PUT /api/people/{p}/follow',
      'DELETE /api/people/{p}/follow',
      'PUT /api/topics/{t}/follow',
      'DELETE /api/topics/{t}/follow',
    ]);
    expect(live.space_follows!.length).to.be.greaterThan(0);
    expect(live.comments!.length).to.be.greaterThan(10);
    for (const table of ['post_reactions', 'post_answers', 'pinned_posts', 'post_reports', 'person_follows', 'topic_follows', 'conversations', 'messages', 'conversation_reads', 'attachments', 'notifications', 'notification_reads', 'privileged_reads', 'audit_exports', 'legal_holds']) {
      expect(live[table]!.length, table).to.be.greaterThan(0);
    }
    const types = new Set((await t.world.runtime.store.readAll(0, 10_000)).map((e) => e.type));
    expect([...types]).to.include.members(['ReactionRemoved', 'AnswerUnmarked', 'PostUnpinned', 'ReportResolved', 'PersonUnfollowed', 'TopicUnfollowed', 'PostDeleted']);
    await t.stop();

    const result = await runCli(['events', 'rebuild'], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^rebuilt users, posts, comments, space_follows, guideline_acceptances, conversations, attachments, notifications, post_reactions, post_answers, pinned_posts, post_reports, person_follows, topic_follows, audit_exports, privileged_reads, legal_holds, retention_streams, retention_runs, shredded, erasures from \d+ events in \d+ ms\n$/);

    const runtime = await t.world.start();
    try {
      expect(await snapshot(runtime.db.knex)).to.deep.equal(live);
    } finally {
      await t.world.stop();
    }
  });
});
