// Direct messages, attachments and notifications through HTTP with real sessions: only the
// participants of a conversation learn that it exists; files are sealed at rest, typed by
// their content and served only as downloads to those who may read them; notifications
// follow the reader's right to read what they point at.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { acceptGuideline, call as apiCall, person, upload as apiUpload, type Answer, type Person } from '../support/api.js';
import { sweepAttachments } from '../../src/attachments/housekeeping.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { EventReader } from '../support/sse.js';

interface Body {
  id: string;
  type: string;
  detail: string;
  title: string | null;
  unread: number;
  participants: { id: string; name: string | null }[];
  text: string;
  mediaType: string;
  size: number;
  sha256: string;
  url: string;
  attachments: { id: string; name: string; mediaType: string; size: number; sha256: string }[];
  items: { id: string; text: string; kind: string; postId: string | null; conversationId: string | null; excerpt: string; read: boolean; position: number; unread: number }[];
  notifications: number;
  messages: number;
}

/** A well-formed PNG (signature, IHDR, a large IDAT of noise, IEND): big enough for several chunks. */
const PNG = (() => {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
    return Buffer.concat([head, Buffer.from(type, 'latin1'), data, crc]);
  };
  const ihdr = Buffer.from('000000010000000108060000 00'.replace(/ /g, ''), 'hex');
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', crypto.randomBytes(600_000)), chunk('IEND', Buffer.alloc(0))]);
})();
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.from('1 0 obj << /Type /Catalog >> endobj\n'.repeat(50)), Buffer.from('%%EOF\n')]);
/** A Windows executable's first bytes: "MZ", the DOS stub, and the PE header offset. */
const EXE = (() => {
  const b = Buffer.alloc(1024);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.write('This program cannot be run in DOS mode.', 0x4e, 'latin1');
  return b;
})();

describe('direct messages, attachments and notifications', function () {
  let t: TestServer;
  let ada: Person; // GG-Alle, GG-Apollo
  let bernd: Person; // GG-Alle, GG-Vertrieb
  let clara: Person; // management: reads Apollo and sales
  let ines: Person; // IT admin
  const call = (who: Person, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<Body>> => apiCall<Body>(t, who, method, path, body, headers);
  const upload = (who: Person, query: string, name: string, bytes: Buffer, type?: string) => apiUpload<Body>(t, who, query, name, bytes, type);
  const download = async (who: Person, url: string) => {
    const res = await who.browser.request(`${t.base}${url}`);
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const stripped = (b: Body) => ({ ...b, instance: undefined, requestId: undefined });

  before(async function () {
    t = await startFlurfunk();
    [ada, bernd, clara, ines] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'ines')];
    await acceptGuideline(t, ada, bernd, clara, ines);
  });
  after(async function () {
    await t.stop();
  });

  describe('direct messages', function () {
    it('keeps a conversation between its participants: others get 404, exactly as for a missing one', async function () {
      const started = await call(ada, 'POST', '/api/conversations', { participants: ['bernd'] });
      expect(started.status).to.equal(201);
      expect(started.body.participants.map((p) => p.id)).to.deep.equal(['ada', 'bernd']);
      const again = await call(bernd, 'POST', '/api/conversations', { participants: ['ada'] });
      expect(again.status, 'one direct conversation per pair').to.equal(200);
      expect(again.body.id).to.equal(started.body.id);

      const sent = await call(ada, 'POST', `/api/conversations/${started.body.id}/messages`, { text: 'Hast du die Zahlen für Q3? Stichwort Zebrafink' });
      expect(sent.status).to.equal(201);
      const event = (await t.world.runtime.store.readStream(`conversation:${started.body.id}`)).find((e) => e.type === 'MessageSent')!;
      expect(JSON.stringify(event.data), 'text sealed, not in the clear').to.not.include('Zebrafink');

      const list = await call(bernd, 'GET', '/api/conversations');
      expect(list.body.items.map((c) => [c.id, c.unread])).to.deep.equal([[started.body.id, 1]]);
      expect((await call(bernd, 'GET', '/api/unread')).body.messages).to.equal(1);
      expect((await call(bernd, 'GET', `/api/conversations/${started.body.id}/messages`)).body.items.map((m) => m.text)).to.deep.equal(['Hast du die Zahlen für Q3? Stichwort Zebrafink']);
      expect((await call(bernd, 'POST', `/api/conversations/${started.body.id}/read`)).body.unread).to.equal(0);
      expect((await call(bernd, 'GET', '/api/unread')).body.messages).to.equal(0);

      const missing = '00000000-0000-4000-8000-000000000000';
      for (const outsider of [clara, ines]) {
        for (const [method, path, body] of [
          ['GET', `/api/conversations/${started.body.id}`],
          ['GET', `/api/conversations/${started.body.id}/messages`],
          ['POST', `/api/conversations/${started.body.id}/messages`, { text: 'Ich lese mit' }],
          ['POST', `/api/conversations/${started.body.id}/read`],
        ] as const) {
          const hidden = await call(outsider, method, path, body);
          const absent = await call(outsider, method, path.replace(started.body.id, missing), body);
          expect(hidden.status, `${outsider.id} ${method} ${path}`).to.equal(404);
          expect(stripped(hidden.body)).to.deep.equal(stripped(absent.body));
        }
        expect((await call(outsider, 'GET', '/api/conversations')).body.items).to.deep.equal([]);
        expect((await call(outsider, 'GET', '/api/unread')).body).to.deep.equal({ notifications: 0, messages: 0 });
        expect((await call(outsider, 'GET', '/api/notifications')).body.items).to.deep.equal([]);
      }
      for (const anyone of [ada, bernd, clara]) expect((await call(anyone, 'GET', '/api/search?q=Zebrafink')).body.items, 'messages are not in search').to.deep.equal([]);
    });

    it('streams a message to its participants only', async function () {
      const conversation = (await call(ada, 'POST', '/api/conversations', { participants: ['bernd'] })).body;
      const open = async (who: Person) => {
        const res = await who.browser.request(`${t.base}/api/stream`);
        return new EventReader(res);
      };
      const [toBernd, toClara] = [await open(bernd), await open(clara)];
      try {
        const sent = (await call(ada, 'POST', `/api/conversations/${conversation.id}/messages`, { text: 'Nur für Bernd' })).body;
        const [message, note] = await toBernd.next(2);
        expect([message!.event, message!.data.id]).to.deep.equal(['message', sent.id]);
        expect([note!.event, note!.data.kind, note!.data.conversationId]).to.deep.equal(['notification', 'message', conversation.id]);
        // Clara's next event is a public post made afterwards: the message never came.
        const later = (await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Für alle' })).body;
        const [next] = await toClara.next(1);
        expect(next!.data.id).to.equal(later.id);
      } finally {
        await toBernd.close();
        await toClara.close();
      }
    });

    it('starts titled conversations among a few people and refuses bad ones with a clear 400', async function () {
      const group = await call(ada, 'POST', '/api/conversations', { participants: ['bernd', 'clara'], title: 'Sommerfest' });
      expect(group.status).to.equal(201);
      expect(group.body.title).to.equal('Sommerfest');
      expect((await call(clara, 'GET', `/api/conversations/${group.body.id}`)).status).to.equal(200);
      const head = (await t.world.runtime.store.head()).position;
      const cases: [unknown, RegExp][] = [
        [{ participants: ['ada'] }, /other than yourself/],
        [{ participants: [] }, /non-empty list/],
        [{ participants: ['niemand'] }, /no person known to Flurfunk with id "niemand"/],
        [{ participants: ['bernd'], secret: true }, /unknown field "secret"/],
        [{ participants: ['bernd'], title: '' }, /"title" must be 1 to 100 characters/],
      ];
      for (const [body, detail] of cases) {
        const refused = await call(ada, 'POST', '/api/conversations', body);
        expect(refused.status, JSON.stringify(body)).to.equal(400);
        expect(refused.body.detail).to.match(detail);
      }
      expect((await call(ada, 'POST', `/api/conversations/${group.body.id}/messages`, { text: 'x'.repeat(5001) })).status).to.equal(400);
      expect((await t.world.runtime.store.head()).position, 'nothing appended').to.equal(head);
    });

    it('lets the author delete a message, nobody else', async function () {
      const conversation = (await call(ada, 'POST', '/api/conversations', { participants: ['bernd'] })).body;
      const sent = (await call(ada, 'POST', `/api/conversations/${conversation.id}/messages`, { text: 'Versehentlich' })).body;
      const refused = await call(bernd, 'DELETE', `/api/conversations/${conversation.id}/messages/${sent.id}`);
      expect(refused.status).to.equal(403);
      expect((await call(clara, 'DELETE', `/api/conversations/${conversation.id}/messages/${sent.id}`)).status).to.equal(404);
      expect((await call(ada, 'DELETE', `/api/conversations/${conversation.id}/messages/${sent.id}`)).status).to.equal(204);
      expect((await call(bernd, 'GET', `/api/conversations/${conversation.id}/messages`)).body.items.map((m) => m.id)).to.not.include(sent.id);
    });
  });

  describe('attachments', function () {
    it('round-trips a file byte-exact, sealed at rest, as a download of the sniffed type', async function () {
      const uploaded = await upload(ada, 'spaceId=all-company', 'Plan.png', PNG, 'image/png');
      expect(uploaded.status).to.equal(201);
      expect(uploaded.body).to.include({ name: 'Plan.png', mediaType: 'image/png', size: PNG.length, sha256: crypto.createHash('sha256').update(PNG).digest('hex') });

      // At rest: no chunk holds the plaintext, not even a piece of it.
      const boxes: { box: Uint8Array }[] = await t.world.runtime.db.knex('attachment_chunks').where({ attachment_id: uploaded.body.id }).orderBy('seq').select('box');
      expect(boxes.length).to.be.greaterThan(1);
      const stored = Buffer.concat(boxes.map((b) => Buffer.from(b.box)));
      expect(stored.includes(PNG.subarray(1000, 1064))).to.equal(false);
      const [event] = await t.world.runtime.store.readStream(`attachment:${uploaded.body.id}`);
      expect(event!.data).to.include({ sha256: uploaded.body.sha256, mediaType: 'image/png', size: PNG.length });
      expect(JSON.stringify(event!.data), 'the file name is personal').to.not.include('Plan.png');

      expect((await download(bernd, uploaded.body.url)).status, 'not yet attached: only the uploader').to.equal(404);
      const post = await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Der neue Plan', attachments: [uploaded.body.id] });
      expect(post.status).to.equal(201);
      expect(post.body.attachments.map((a) => a.id)).to.deep.equal([uploaded.body.id]);

      const got = await download(bernd, uploaded.body.url);
      expect(got.status).to.equal(200);
      expect(got.bytes.equals(PNG), 'byte-exact').to.equal(true);
      expect(got.headers.get('content-type')).to.equal('image/png');
      expect(got.headers.get('content-disposition')).to.equal('attachment; filename=Plan.png');
      expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(got.headers.get('content-security-policy')).to.include('sandbox');
      const downloads = (await t.world.runtime.store.readStream(`attachment:${uploaded.body.id}`)).filter((e) => e.type === 'AttachmentDownloaded');
      expect(downloads.map((e) => e.actor), 'each download on record').to.deep.equal(['bernd']);

      const head = await bernd.browser.request(`${t.base}${uploaded.body.url}`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-length')]).to.deep.equal([200, String(PNG.length)]);
      const recorded = (await t.world.runtime.store.readStream(`attachment:${uploaded.body.id}`)).filter((e) => e.type === 'AttachmentDownloaded');
      expect(recorded, 'a HEAD request sends no bytes and records nothing').to.have.length(1);

      expect((await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Nochmal', attachments: [uploaded.body.id] })).status, 'one file, one post').to.equal(400);
      const bernds = await upload(bernd, 'spaceId=all-company', 'b.bat', Buffer.from('Bernds Notiz\n'));
      expect(bernds.body).to.include({ mediaType: 'text/plain', name: 'b.bat.txt' });
      expect((await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Fremd', attachments: [bernds.body.id] })).status, 'not your upload').to.equal(400);
    });

    it('serves a file of a confidential space only to its readers, and of a conversation only to its participants', async function () {
      const pdf = await upload(ada, 'spaceId=project-apollo', 'Angebot.pdf', PDF);
      expect(pdf.body.mediaType).to.equal('application/pdf');
      expect((await call(ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Angebot', attachments: [pdf.body.id] })).status).to.equal(201);
      expect((await download(clara, pdf.body.url)).status).to.equal(200);
      const hidden = await download(bernd, pdf.body.url);
      const missing = await download(bernd, '/api/attachments/00000000-0000-4000-8000-000000000000');
      expect(hidden.status).to.equal(404);
      expect(hidden.bytes.length).to.equal(missing.bytes.length);
      expect((await upload(bernd, 'spaceId=project-apollo', 'x.txt', Buffer.from('hallo'))).status, 'no upload to a hidden space').to.equal(404);
      expect((await upload(clara, 'spaceId=project-apollo', 'x.txt', Buffer.from('hallo'))).status, 'reader, not poster').to.equal(403);

      const conversation = (await call(bernd, 'POST', '/api/conversations', { participants: ['ada'] })).body;
      const note = await upload(bernd, `conversationId=${conversation.id}`, 'notiz.csv', Buffer.from('a;b\n1;2\n'));
      expect(note.body.mediaType).to.equal('text/csv');
      expect((await upload(clara, `conversationId=${conversation.id}`, 'x.txt', Buffer.from('hallo'))).status).to.equal(404);
      const sent = await call(bernd, 'POST', `/api/conversations/${conversation.id}/messages`, { text: 'Anbei', attachments: [note.body.id] });
      expect(sent.status).to.equal(201);
      // The message shows its file to both participants (a deny on spaces must not hide files that have no space).
      expect(sent.body.attachments.map((a) => a.id)).to.deep.equal([note.body.id]);
      const listed = (await call(ada, 'GET', `/api/conversations/${conversation.id}/messages`)).body.items.find((m) => m.id === sent.body.id) as unknown as Body | undefined;
      expect(listed?.attachments.map((a) => a.name)).to.deep.equal(['notiz.csv']);
      expect((await download(ada, note.body.url)).bytes.toString()).to.equal('a;b\n1;2\n');
      expect((await download(clara, note.body.url)).status).to.equal(404);
      expect((await download(ines, note.body.url)).status, 'not even an administrator').to.equal(404);
    });

    it('refuses what is not allowed by its content, not its name, keeping nothing', async function () {
      const head = (await t.world.runtime.store.head()).position;
      const chunks = async () => Number(((await t.world.runtime.db.knex('attachment_chunks').count({ n: '*' }).first()) as { n: string | number }).n);
      const before = await chunks();
      const exe = await upload(ada, 'spaceId=all-company', 'urlaub.png', EXE, 'image/png');
      expect(exe.status).to.equal(415);
      expect(exe.body.detail).to.match(/the content of "urlaub.png" is application\/x-msdownload/);
      const html = await upload(ada, 'spaceId=all-company', 'seite.txt', Buffer.from('<!DOCTYPE html><script>alert(1)</script>'));
      expect(html.status).to.equal(415);
      expect(html.body.detail).to.match(/text\/html/);
      const svg = await upload(ada, 'spaceId=all-company', 'logo.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'));
      expect(svg.status).to.equal(415);
      const limit = t.world.runtime.policy!.current.set.limits.attachments.maxBytes;
      const big = await upload(ada, 'spaceId=all-company', 'gross.txt', Buffer.alloc(limit + 1, 'a'));
      expect(big.status).to.equal(413);
      expect(big.body.detail).to.include(`limit of ${limit} bytes`);
      expect((await upload(ada, 'spaceId=all-company', 'leer.txt', Buffer.alloc(0))).status).to.equal(400);
      expect((await upload(ada, '', 'x.txt', Buffer.from('hallo'))).status).to.equal(400);
      const json = await call(ada, 'POST', '/api/attachments?spaceId=all-company', { file: 'hallo' });
      expect(json.status).to.equal(400);
      expect(json.body.detail).to.match(/multipart\/form-data/);
      // A file followed by a field it was not asked for: refused, and what was written is gone.
      const boundary = 'xYzBoundary';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n`),
        Buffer.alloc(600_000, 'b'),
        Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="extra"\r\n\r\nx\r\n--${boundary}--\r\n`),
      ]);
      const extra = await ada.browser.request(`${t.base}/api/attachments?spaceId=all-company`, { method: 'POST', headers: { 'X-CSRF-Token': ada.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
      expect(extra.status).to.equal(400);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await t.world.runtime.store.head()).position, 'nothing appended').to.equal(head);
      expect(await chunks(), 'no bytes kept').to.equal(before);
    });
  });

  describe('attachment housekeeping', function () {
    it('removes chunks no upload event names, and discards files never attached after a day', async function () {
      const { store } = t.world.runtime;
      const knex = t.world.runtime.db.knex;
      const kept = await upload(ada, 'spaceId=all-company', 'behalten.txt', Buffer.from('bleibt'));
      expect((await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Mit Datei', attachments: [kept.body.id] })).status).to.equal(201);
      const loose = await upload(ada, 'spaceId=all-company', 'vergessen.txt', Buffer.from('nie angehängt'));
      const orphan = '00000000-0000-4000-8000-0000000000aa';
      await knex('attachment_chunks').insert({ attachment_id: orphan, seq: 0, box: Buffer.from('left by a crash') });

      const sooner = await sweepAttachments(knex, store, new Date(Date.now() + 30 * 60_000));
      expect(sooner, 'nothing is old enough yet').to.deep.equal({ orphanChunks: 0, discarded: 0 });
      const later = await sweepAttachments(knex, store, new Date(Date.now() + 25 * 3_600_000));
      expect(later.orphanChunks).to.equal(1);
      expect(later.discarded).to.be.at.least(1);
      expect(await knex('attachment_chunks').where({ attachment_id: orphan }).first()).to.equal(undefined);
      // The discarded file leaves the read model as soon as the projector has the event.
      for (let i = 0; i < 40 && (await knex('attachments').where({ id: loose.body.id }).first()) !== undefined; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await download(ada, loose.body.url)).status).to.equal(404);
      expect((await store.readStream(`attachment:${loose.body.id}`)).map((e) => e.type)).to.deep.equal(['AttachmentUploaded', 'AttachmentDiscarded']);
      expect((await download(bernd, kept.body.url)).bytes.toString(), 'attached files stay').to.equal('bleibt');
    });
  });

  describe('notifications', function () {
    it('tells people about mentions, replies and messages they may read, and counts the unread', async function () {
      const start = (await call(bernd, 'GET', '/api/unread')).body.notifications;
      await call(bernd, 'POST', '/api/notifications/read', {});
      const mention = (await call(ada, 'POST', '/api/spaces/all-company/posts', { text: 'Frage an @bernd: wer hat den Schlüssel?' })).body;
      // A mention in a space Bernd cannot read never reaches him.
      await call(ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Geheim, @bernd liest das nicht' });
      const notes = (await call(bernd, 'GET', '/api/notifications')).body.items;
      expect(notes[0]).to.include({ kind: 'mention', postId: mention.id, read: false });
      expect(notes[0]!.excerpt).to.include('wer hat den Schlüssel');
      expect(notes.map((n) => n.excerpt).join()).to.not.include('Geheim');
      expect((await call(bernd, 'GET', '/api/unread')).body.notifications).to.equal(1);
      expect(start).to.be.a('number');

      await call(bernd, 'POST', `/api/posts/${mention.id}/comments`, { text: 'Ich habe ihn.' });
      const adas = (await call(ada, 'GET', '/api/notifications')).body.items;
      expect(adas[0]).to.include({ kind: 'reply', postId: mention.id, excerpt: 'Ich habe ihn.' });

      const read = await call(bernd, 'POST', '/api/notifications/read', {});
      expect(read.body.notifications).to.equal(0);
      expect((await call(bernd, 'GET', '/api/notifications')).body.items[0]!.read).to.equal(true);
      expect((await call(bernd, 'POST', '/api/notifications/read', { upTo: 'x' })).status).to.equal(400);

      // Deleting the post takes its notifications along.
      expect((await call(ada, 'DELETE', `/api/posts/${mention.id}`)).status).to.equal(204);
      expect((await call(bernd, 'GET', '/api/notifications')).body.items.map((n) => n.postId)).to.not.include(mention.id);
      expect((await call(ada, 'GET', '/api/notifications')).body.items.map((n) => n.postId)).to.not.include(mention.id);
    });
  });
});
