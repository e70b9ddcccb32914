// The permission matrix: four people in different directory groups × a public, an internal
// and a confidential space × read, post, comment, attach, search, realtime and download, each
// cell checked through HTTP with real sessions, both where the policy allows and where it
// denies. The expected table is written out by hand from the policy files, so the test is an
// independent statement of what the policy means, not a replay of the engine. A conversation
// between two of them stays invisible to the others everywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { acceptGuideline, call as apiCall, person, upload as apiUpload, type Answer, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { EventReader, type Sse } from '../support/sse.js';

type SpaceId = 'kantine' | 'sales' | 'project-apollo';
type Who = 'ada' | 'bernd' | 'clara' | 'paula';

/** What each person may do in each space: "read" (read only), "post" (read and post), or nothing. */
const MATRIX: Record<Who, Record<SpaceId, 'post' | 'read' | 'none'>> = {
  ada: { kantine: 'post', sales: 'none', 'project-apollo': 'post' }, // GG-Apollo
  bernd: { kantine: 'post', sales: 'post', 'project-apollo': 'none' }, // GG-Vertrieb
  clara: { kantine: 'post', sales: 'post', 'project-apollo': 'read' }, // GG-Geschaeftsleitung, GG-Vertrieb
  paula: { kantine: 'post', sales: 'none', 'project-apollo': 'none' }, // GG-Personal
};
const SPACES: SpaceId[] = ['kantine', 'sales', 'project-apollo'];
const PEOPLE: Who[] = ['ada', 'bernd', 'clara', 'paula'];
/** Who seeds each space. */
const AUTHOR: Record<SpaceId, Who> = { kantine: 'paula', sales: 'bernd', 'project-apollo': 'ada' };

interface Body {
  id: string;
  url: string;
  items: { id: string }[];
  notifications: number;
  messages: number;
}

/** The shipped policy plus a public space, in a folder of its own. */
function policyWithPublicSpace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-matrix-policy-'));
  fs.cpSync('policies', dir, { recursive: true });
  fs.appendFileSync(
    path.join(dir, 'spaces.yaml'),
    `
  kantine:
    title: Kantine
    description: Mittagessen, Fahrgemeinschaften, Flohmarkt
    classification: public
    read: { roles: [employee] }
    post: { roles: [employee] }
    moderate: { roles: [admin] }
`,
  );
  return dir;
}

describe('permission matrix', function () {
  let t: TestServer;
  const people = {} as Record<Who, Person>;
  const seeded = {} as Record<SpaceId, { postId: string; token: string; attachmentUrl: string }>;
  let conversation: { id: string; messageToken: string; attachmentUrl: string };
  const seen = {} as Record<Who, Sse[]>;
  const call = (who: Who, method: string, url: string, body?: unknown): Promise<Answer<Body>> => apiCall<Body>(t, people[who], method, url, body);
  const upload = (who: Who, query: string) => apiUpload<Body>(t, people[who], query, 'notiz.txt', Buffer.from(`Notiz von ${who}\n`));
  const may = (who: Who, space: SpaceId, action: 'read' | 'post') => MATRIX[who][space] === 'post' || (action === 'read' && MATRIX[who][space] === 'read');
  /** The status a write must get: done, refused with a reason (reader), or hidden (non-reader). */
  const writeStatus = (who: Who, space: SpaceId) => (may(who, space, 'post') ? 201 : may(who, space, 'read') ? 403 : 404);

  before(async function () {
    this.timeout(120_000);
    t = await startFlurfunk({ POLICY_DIR: policyWithPublicSpace() });
    for (const who of PEOPLE) people[who] = await person(t, who);
    await acceptGuideline(t, ...PEOPLE.map((w) => people[w]));

    // Everyone listens while the seed content is written; a last public post marks the end.
    const streams = new Map<Who, EventReader>();
    for (const who of PEOPLE) streams.set(who, new EventReader(await people[who].browser.request(`${t.base}/api/stream`)));
    for (const space of SPACES) {
      const author = AUTHOR[space];
      const token = `Matrixwort${space.replace('-', '')}`;
      const file = await upload(author, `spaceId=${space}`);
      expect(file.status).to.equal(201);
      const post = await call(author, 'POST', `/api/spaces/${space}/posts`, { text: `Neu in ${space}: ${token}`, attachments: [file.body.id] });
      expect(post.status).to.equal(201);
      seeded[space] = { postId: post.body.id, token, attachmentUrl: file.body.url };
    }
    const started = await call('ada', 'POST', '/api/conversations', { participants: ['bernd'] });
    const dmFile = await upload('ada', `conversationId=${started.body.id}`);
    expect((await call('ada', 'POST', `/api/conversations/${started.body.id}/messages`, { text: 'Unter uns: Matrixgeheimnis', attachments: [dmFile.body.id] })).status).to.equal(201);
    conversation = { id: started.body.id, messageToken: 'Matrixgeheimnis', attachmentUrl: dmFile.body.url };
    const end = (await call('paula', 'POST', '/api/spaces/kantine/posts', { text: 'Ende der Aussaat' })).body.id;
    for (const [who, stream] of streams) {
      seen[who] = [];
      while (!seen[who].some((e) => e.event === 'post' && e.data.id === end)) seen[who].push(...(await stream.next(1)));
      await stream.close();
    }
  });
  after(async function () {
    await t.stop();
  });

  for (const who of PEOPLE) {
    for (const space of SPACES) {
      const cell = `${who} × ${space} (${MATRIX[who][space]})`;

      it(`${cell}: read`, async function () {
        const list = await call(who, 'GET', `/api/spaces/${space}/posts`);
        const one = await call(who, 'GET', `/api/posts/${seeded[space].postId}`);
        const listed = (await call(who, 'GET', '/api/spaces')).body.items.map((s) => s.id);
        if (may(who, space, 'read')) {
          expect(list.status).to.equal(200);
          expect(list.body.items.map((p) => p.id)).to.include(seeded[space].postId);
          expect(one.status).to.equal(200);
          expect(listed).to.include(space);
        } else {
          expect([list.status, one.status]).to.deep.equal([404, 404]);
          expect(listed).to.not.include(space);
        }
      });

      it(`${cell}: post`, async function () {
        expect((await call(who, 'POST', `/api/spaces/${space}/posts`, { text: `${who} schreibt` })).status).to.equal(writeStatus(who, space));
      });

      it(`${cell}: comment`, async function () {
        expect((await call(who, 'POST', `/api/posts/${seeded[space].postId}/comments`, { text: `${who} antwortet` })).status).to.equal(writeStatus(who, space));
        const comments = await call(who, 'GET', `/api/posts/${seeded[space].postId}/comments`);
        expect(comments.status).to.equal(may(who, space, 'read') ? 200 : 404);
      });

      it(`${cell}: attach`, async function () {
        expect((await upload(who, `spaceId=${space}`)).status).to.equal(writeStatus(who, space));
      });

      it(`${cell}: search`, async function () {
        const found = (await call(who, 'GET', `/api/search?q=${seeded[space].token}`)).body.items.map((p) => p.id);
        expect(found).to.deep.equal(may(who, space, 'read') ? [seeded[space].postId] : []);
      });

      it(`${cell}: realtime`, function () {
        const posts = seen[who].filter((e) => e.event === 'post').map((e) => e.data.id);
        if (may(who, space, 'read')) expect(posts).to.include(seeded[space].postId);
        else expect(posts).to.not.include(seeded[space].postId);
      });

      it(`${cell}: download`, async function () {
        const res = await people[who].browser.request(`${t.base}${seeded[space].attachmentUrl}`);
        expect(res.status).to.equal(may(who, space, 'read') ? 200 : 404);
        if (res.status === 200) expect(await res.text()).to.equal(`Notiz von ${AUTHOR[space]}\n`);
        else await res.body?.cancel();
      });
    }
  }

  describe('a direct message between ada and bernd', function () {
    it('is there for both participants', async function () {
      for (const who of ['ada', 'bernd'] as const) {
        expect((await call(who, 'GET', `/api/conversations/${conversation.id}/messages`)).body.items).to.have.length(1);
        expect((await people[who].browser.request(`${t.base}${conversation.attachmentUrl}`)).status).to.equal(200);
      }
      expect(seen.bernd.filter((e) => e.event === 'message')).to.have.length(1);
      expect((await call('bernd', 'GET', '/api/unread')).body.messages).to.equal(1);
    });

    for (const outsider of ['clara', 'paula'] as const) {
      it(`is a 404 for ${outsider}, and nowhere in search, counts or the stream`, async function () {
        for (const url of [`/api/conversations/${conversation.id}`, `/api/conversations/${conversation.id}/messages`]) expect((await call(outsider, 'GET', url)).status).to.equal(404);
        expect((await call(outsider, 'POST', `/api/conversations/${conversation.id}/messages`, { text: 'hallo?' })).status).to.equal(404);
        expect((await people[outsider].browser.request(`${t.base}${conversation.attachmentUrl}`)).status).to.equal(404);
        expect((await call(outsider, 'GET', `/api/search?q=${conversation.messageToken}`)).body.items).to.deep.equal([]);
        expect((await call(outsider, 'GET', '/api/conversations')).body.items).to.deep.equal([]);
        expect((await call(outsider, 'GET', '/api/unread')).body.messages).to.equal(0);
        expect(seen[outsider].filter((e) => e.event === 'message' || e.data.conversationId === conversation.id)).to.deep.equal([]);
      });
    }
  });
});
