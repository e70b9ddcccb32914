// Erasure on request (GDPR Art. 17): a DPO erases ada. Her words go everywhere — her post
// stays as an empty placeholder so bernd's comment on it keeps its thread, her comment and
// message go, her file is gone, mentions of her read as a placeholder — while bernd's content in
// the same threads and conversation stays readable. A legal hold on a space keeps her post
// there, and the receipt says so. A rebuild brings nothing back; she can sign in and write
// again. The CLI writes a signed receipt that `flurfunk audit verify` accepts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { rebuildReadModels } from '../../src/events/projector.js';
import { projections } from '../../src/read-models.js';
import { ERASED_MENTION } from '../../src/retention/erasure-projection.js';
import { acceptGuideline, call, person, upload, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCli } from '../support/processes.js';

interface Erasure {
  erasureId: string | null;
  dryRun: boolean;
  streams: number;
  erased: { posts: number; comments: number; messages: number; attachments: number; profile: boolean };
  held: { holdId: string; streams: number }[];
  heldStreams: number;
}
interface PostBody {
  id: string;
  text: string;
  erased: boolean;
  author: { id: string; name: string | null };
  mentions: string[];
}

const REASON = 'Antrag auf Löschung vom 20.11.2026 (Art. 17 DSGVO)';

describe('erasure on request', function () {
  let t: TestServer;
  let ada: Person;
  let bernd: Person;
  let clara: Person;
  let dieter: Person;
  let ines: Person;
  const ids: Record<string, string> = {};

  const post = async (who: Person, space: string, text: string) => {
    const answer = await call<{ id: string }>(t, who, 'POST', `/api/spaces/${space}/posts`, { text });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.id;
  };
  const comment = async (who: Person, postId: string, text: string) => {
    const answer = await call<{ id: string }>(t, who, 'POST', `/api/posts/${postId}/comments`, { text });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.id;
  };

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk();
    [ada, bernd, clara, dieter, ines] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'dieter'), await person(t, 'ines')];
    await acceptGuideline(t, ada, bernd, clara, dieter, ines);
    ids.adaPost = await post(ada, 'all-company', 'Ada schreibt über Kiwis');
    ids.berndComment = await comment(bernd, ids.adaPost, 'Bernd antwortet mit Pelikanen');
    ids.berndPost = await post(bernd, 'all-company', 'Frage an @ada zu den Lamas');
    ids.adaComment = await comment(ada, ids.berndPost, 'Ada antwortet: Geckos');
    ids.apolloPost = await post(ada, 'project-apollo', 'Apollo-Notiz über den Yak');
    const conversation = await call<{ id: string }>(t, ada, 'POST', '/api/conversations', { participants: ['bernd'] });
    ids.conversation = conversation.body.id;
    expect((await call(t, ada, 'POST', `/api/conversations/${ids.conversation}/messages`, { text: 'Ada flüstert: Dachs' })).status).to.equal(201);
    expect((await call(t, bernd, 'POST', `/api/conversations/${ids.conversation}/messages`, { text: 'Bernd flüstert: Otter' })).status).to.equal(201);
    const file = await upload<{ id: string; url: string }>(t, ada, 'spaceId=all-company', 'Ada-Lebenslauf.txt', Buffer.from('Lebenslauf von Ada Berger\n'.repeat(20)), 'text/plain');
    expect(file.status).to.equal(201);
    ids.fileUrl = file.body.url;
    expect((await call(t, ada, 'PUT', `/api/posts/${ids.berndPost}/reactions/like`)).status).to.be.oneOf([200, 204]);
    expect((await call(t, ada, 'PUT', '/api/people/bernd/follow')).status).to.equal(204);
    const hold = await call<{ id: string }>(t, dieter, 'POST', '/api/holds', { spaces: ['project-apollo'], reason: 'Prüfung Apollo: alles aufbewahren', caseReference: 'AZ 9/26' });
    ids.hold = hold.body.id;
  });
  after(async function () {
    await t.stop();
  });

  it('refuses employees and admins with the reason, and says 404 for a person never seen', async function () {
    for (const who of [bernd, ines]) {
      const answer = await call<{ detail: string }>(t, who, 'POST', '/api/people/ada/erasure', { reason: REASON });
      expect(answer.status, who.id).to.equal(403);
      expect(answer.body.detail).to.match(/data-protection officers/);
    }
    expect((await call(t, dieter, 'POST', '/api/people/nobody-here/erasure', { reason: REASON })).status).to.equal(404);
    expect((await call(t, dieter, 'POST', '/api/people/ada/erasure', { reason: 'zu kurz' })).status).to.equal(400);
    expect((await call<PostBody>(t, bernd, 'GET', `/api/posts/${ids.adaPost}`)).body.text, 'nothing erased by a refusal').to.equal('Ada schreibt über Kiwis');
  });

  it('a dry run says what would go and what the hold keeps, and erases nothing', async function () {
    const dry = await call<Erasure>(t, dieter, 'POST', '/api/people/ada/erasure', { dryRun: true });
    expect(dry.status).to.equal(200);
    expect(dry.body).to.deep.include({ erasureId: null, dryRun: true, heldStreams: 1, held: [{ holdId: ids.hold, streams: 1 }] });
    expect(dry.body.erased).to.deep.equal({ posts: 1, comments: 1, messages: 1, attachments: 1, profile: true });
    expect((await call<PostBody>(t, bernd, 'GET', `/api/posts/${ids.adaPost}`)).body.erased).to.equal(false);
  });

  it('erases ada’s words and activity, keeps everyone else’s, and lets the hold win', async function () {
    this.timeout(30_000);
    const done = await call<Erasure>(t, dieter, 'POST', '/api/people/ada/erasure', { reason: REASON, caseReference: 'DS-2026-041' });
    expect(done.status, JSON.stringify(done.body)).to.equal(201);
    expect(done.body.erased).to.deep.equal({ posts: 1, comments: 1, messages: 1, attachments: 1, profile: true });
    expect(done.body.held).to.deep.equal([{ holdId: ids.hold, streams: 1 }]);
    ids.erasure = done.body.erasureId!;

    // Her post: a placeholder; bernd's comment on it stays readable.
    const adaPost = (await call<PostBody>(t, bernd, 'GET', `/api/posts/${ids.adaPost}`)).body;
    expect(adaPost).to.deep.include({ text: '', erased: true });
    expect(adaPost.author).to.deep.equal({ id: 'ada', name: null });
    const comments = (await call<{ items: { id: string; text: string }[] }>(t, bernd, 'GET', `/api/posts/${ids.adaPost}/comments`)).body.items;
    expect(comments.map((c) => c.text)).to.deep.equal(['Bernd antwortet mit Pelikanen']);
    // Bernd's post: the mention is a placeholder; ada's comment on it is gone.
    const berndPost = (await call<PostBody>(t, clara, 'GET', `/api/posts/${ids.berndPost}`)).body;
    expect(berndPost.text).to.equal(`Frage an ${ERASED_MENTION} zu den Lamas`);
    expect(berndPost.mentions).to.deep.equal([]);
    expect((await call<{ items: unknown[] }>(t, bernd, 'GET', `/api/posts/${ids.berndPost}/comments`)).body.items).to.have.length(0);
    // The conversation: bernd's message stays, ada's is gone.
    const messages = (await call<{ items: { text: string }[] }>(t, bernd, 'GET', `/api/conversations/${ids.conversation}/messages`)).body.items;
    expect(messages.map((m) => m.text)).to.deep.equal(['Bernd flüstert: Otter']);
    expect((await bernd.browser.request(`${t.base}${ids.fileUrl}`)).status).to.equal(404);
    // Held: her Apollo post is untouched.
    expect((await call<PostBody>(t, clara, 'GET', `/api/posts/${ids.apolloPost}`)).body.text).to.equal('Apollo-Notiz über den Yak');
    // Search: her words are gone, bernd's are found.
    expect((await call<{ items: unknown[] }>(t, bernd, 'GET', '/api/search?q=Kiwis')).body.items).to.have.length(0);
    expect((await call<{ items: unknown[] }>(t, bernd, 'GET', '/api/search?q=Lamas')).body.items).to.have.length(1);

    // In the events: her sealed content is shredded, bernd's in the same stream is not.
    const store = t.world.runtime.store;
    const thread = await store.readStream(`post:${ids.adaPost}`);
    expect(await store.personal(thread.find((e) => e.type === 'PostCreated')!)).to.deep.equal({ state: 'shredded' });
    expect(await store.personal(thread.find((e) => e.type === 'CommentCreated')!)).to.deep.equal({ state: 'present', value: { text: 'Bernd antwortet mit Pelikanen' } });
    const [receipt] = await store.readStream(`erasure:${ids.erasure}`);
    expect(receipt!.type).to.equal('PersonErased');
    expect(receipt!.actor).to.equal('dieter');
    expect((receipt!.data.streams as { streamId: string }[]).map((s) => s.streamId)).to.include.members([`post:${ids.adaPost}`, `post:${ids.berndPost}`, `conversation:${ids.conversation}`, 'user:ada']);
    expect(JSON.stringify(receipt!.data), 'the reason is sealed').to.not.include('Antrag');
    const knex = t.world.runtime.db.knex;
    expect(await knex('stream_keys').where({ owner: 'ada' }).whereNot('stream_id', `post:${ids.apolloPost}`)).to.have.length(0);
    expect(await knex('post_reactions').where({ user_id: 'ada' })).to.have.length(0);
    expect(await knex('person_follows').where({ user_id: 'ada' })).to.have.length(0);
    expect(await knex('users').where({ id: 'ada' }).first('name')).to.deep.equal({ name: null });
  });

  it('a rebuild brings nothing back, and ada can sign in and write again', async function () {
    this.timeout(30_000);
    const knex = t.world.runtime.db.knex;
    await rebuildReadModels(knex, t.world.runtime.store, projections);
    expect((await knex('posts').where({ id: ids.adaPost }).first('text', 'erased')) as unknown).to.deep.equal({ text: '', erased: true });
    expect(await knex('comments').where({ id: ids.adaComment })).to.have.length(0);
    expect(await knex('comments').where({ id: ids.berndComment })).to.have.length(1);

    ada = await person(t, 'ada');
    await acceptGuideline(t, ada);
    const again = await comment(ada, ids.berndPost!, 'Ich bin wieder da');
    const comments = (await call<{ items: { id: string; text: string }[] }>(t, bernd, 'GET', `/api/posts/${ids.berndPost}/comments`)).body.items;
    expect(comments.map((c) => [c.id, c.text])).to.deep.equal([[again, 'Ich bin wieder da']]);
    await rebuildReadModels(knex, t.world.runtime.store, projections);
    expect((await call<{ items: { text: string }[] }>(t, bernd, 'GET', `/api/posts/${ids.berndPost}/comments`)).body.items.map((c) => c.text), 'the new key survives a rebuild').to.deep.equal(['Ich bin wieder da']);
  });

  it('`flurfunk erase` writes a signed receipt that `flurfunk audit verify` accepts', async function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-erasure-'));
    const zip = path.join(dir, 'receipt.zip');
    await t.stop();
    try {
      const erased = await runCli(['erase', '--as', 'dieter', '--person', 'clara', '--reason', REASON, '--receipt', zip], t.world.env);
      expect(erased.code, erased.stderr).to.equal(0);
      expect(erased.stdout).to.match(/^erased clara \(erasure [0-9a-f-]{36}\)/);
      const verified = await runCli(['audit', 'verify', zip], {});
      expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
      const refused = await runCli(['erase', '--as', 'bernd', '--person', 'clara', '--reason', REASON], t.world.env);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/data-protection officers/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await t.restart();
    }
  });
});
