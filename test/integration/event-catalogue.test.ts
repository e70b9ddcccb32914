// The catalogue at work in the runtime: the store a server runs on refuses what the catalogue
// does not describe and writes nothing of it; and after a day of varied use through HTTP,
// every event in the chain fits its catalogue entry.
import { expect } from 'chai';
import { eventCatalogue } from '../../src/audit/event-catalogue.js';
import { InvalidEventError } from '../../src/errors.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { acceptGuideline, call, person, upload } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { createWorld } from '../support/world.js';

async function allEvents(t: TestServer): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let page = await t.world.runtime.store.readAll(0); page.length > 0; page = await t.world.runtime.store.readAll(page.at(-1)!.position)) events.push(...page);
  return events;
}

describe('audit event catalogue in the runtime', function () {
  it('refuses an unknown type and an invalid payload through the runtime store, naming type and place, and appends nothing', async function () {
    const world = await createWorld();
    const { store } = await world.start();
    try {
      const before = await store.head();
      const unknown = await store.append('thing:1', [{ type: 'Thing', data: {} }], { expectedVersion: 'any', actor: 'ada' }).catch((e: unknown) => e);
      expect(unknown).to.be.instanceOf(InvalidEventError);
      expect((unknown as Error).message).to.match(/^event 0 \(Thing\): the type is not in the audit event catalogue/);
      // A valid first event does not carry an invalid second one in: the append is all or nothing.
      const mixed = await store
        .append('user:ada', [{ type: 'SpaceFollowed', data: { userId: 'ada', spaceId: 'sales' } }, { type: 'SpaceMuted', data: { userId: 'ada', spaceId: 'Sales!' } }], { expectedVersion: 'any', actor: 'ada' })
        .catch((e: unknown) => e);
      expect(mixed).to.be.instanceOf(InvalidEventError);
      expect((mixed as Error).message).to.equal('event 1 (SpaceMuted): data/spaceId must match pattern "^[a-z0-9][a-z0-9-]*$"');
      expect(await store.head()).to.deep.equal(before);
      // The allowed side: the same event, well formed, is appended.
      const ok = await store.append('user:ada', [{ type: 'SpaceFollowed', data: { userId: 'ada', spaceId: 'sales' } }], { expectedVersion: 'any', actor: 'ada' });
      expect(ok.events.map((e) => e.type)).to.deep.equal(['SpaceFollowed']);
    } finally {
      await world.stop();
    }
  });

  it('is a switch of the runtime: the bare store (eventCatalogue off) takes any well-formed type', async function () {
    const world = await createWorld();
    const { store } = await world.start({ eventCatalogue: 'off' });
    try {
      const result = await store.append('thing:1', [{ type: 'Thing', data: { n: 1 } }], { expectedVersion: 0, actor: 'ada' });
      expect(result.events[0]!.type).to.equal('Thing');
    } finally {
      await world.stop();
    }
  });

  describe('after varied use through HTTP', function () {
    let t: TestServer;
    before(async function () {
      t = await startFlurfunk();
    });
    after(async function () {
      await t.stop();
    });

    it('every event in the chain fits its catalogue entry', async function () {
      const [ada, bernd, clara, dieter, ines] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'dieter'), await person(t, 'ines')];
      await acceptGuideline(t, ada, bernd, clara, ines);
      const file = (await upload<{ id: string }>(t, ada, 'spaceId=all-company', 'notiz.txt', Buffer.from('Notiz\n'), 'text/plain')).body.id;
      const post = (await call<{ id: string }>(t, ada, 'POST', '/api/spaces/all-company/posts', { text: 'Hallo @bernd #apollo', attachments: [file] })).body.id;
      expect((await ada.browser.request(`${t.base}/api/attachments/${file}`)).status).to.equal(200);
      await call(t, ada, 'PATCH', `/api/posts/${post}`, { text: 'Hallo @bernd #apollo, bearbeitet' });
      const comment = (await call<{ id: string }>(t, bernd, 'POST', `/api/posts/${post}/comments`, { text: 'Danke!' })).body.id;
      await call(t, ada, 'PUT', `/api/posts/${post}/answer`, { commentId: comment });
      await call(t, ada, 'DELETE', `/api/posts/${post}/answer`);
      await call(t, bernd, 'PUT', `/api/posts/${post}/reactions/thanks`);
      await call(t, bernd, 'DELETE', `/api/posts/${post}/reactions/thanks`);
      await call(t, ines, 'PUT', `/api/posts/${post}/pin`);
      await call(t, ines, 'DELETE', `/api/posts/${post}/pin`);
      const report = (await call<{ id: string }>(t, bernd, 'POST', `/api/posts/${post}/reports`, { reason: 'Falscher Bereich' })).body.id;
      await call(t, ines, 'POST', `/api/reports/${report}/resolution`, { outcome: 'kept' });
      const doomed = (await call<{ id: string }>(t, bernd, 'POST', '/api/spaces/sales/posts', { text: 'Bald weg' })).body.id;
      await call(t, bernd, 'DELETE', `/api/posts/${doomed}`);
      await call(t, bernd, 'PUT', '/api/spaces/all-company/follow');
      await call(t, bernd, 'PUT', '/api/spaces/all-company/mute');
      await call(t, bernd, 'DELETE', '/api/spaces/all-company/mute');
      await call(t, bernd, 'DELETE', '/api/spaces/all-company/follow');
      await call(t, bernd, 'PUT', '/api/people/ada/follow');
      await call(t, bernd, 'DELETE', '/api/people/ada/follow');
      await call(t, bernd, 'PUT', '/api/topics/apollo/follow');
      await call(t, bernd, 'DELETE', '/api/topics/apollo/follow');
      await call(t, bernd, 'POST', '/api/notifications/read', {});
      const conversation = (await call<{ id: string }>(t, ada, 'POST', '/api/conversations', { participants: ['bernd', 'clara'], title: 'Messeplanung' })).body.id;
      const message = (await call<{ id: string }>(t, bernd, 'POST', `/api/conversations/${conversation}/messages`, { text: 'Stand?' })).body.id;
      await call(t, ada, 'POST', `/api/conversations/${conversation}/read`);
      await call(t, bernd, 'DELETE', `/api/conversations/${conversation}/messages/${message}`);
      expect((await call(t, clara, 'POST', '/api/spaces/project-apollo/posts', { text: 'Darf ich nicht' })).status).to.equal(403);
      expect((await call(t, bernd, 'GET', '/api/audit/events')).status).to.equal(403);
      expect((await call(t, dieter, 'GET', '/api/audit/events')).status).to.equal(200);
      await bernd.browser.request(`${t.base}/auth/logout`, { method: 'POST', headers: { 'X-CSRF-Token': bernd.csrf } });

      const catalogue = eventCatalogue();
      const events = await allEvents(t);
      for (const e of events) {
        // The sealed payload stands in for the personal content: only whether there is one matters here.
        expect(() => catalogue.check(e.streamId, [{ type: e.type, data: e.data, personal: e.payload === null ? undefined : {} }]), `position ${e.position} ${e.type}`).to.not.throw();
      }
      const seen = new Set(events.map((e) => e.type));
      const expected = [
        'ServerStarted', 'PolicyActivated', 'UserSignedIn', 'UserProfileChanged', 'UserGroupsChanged', 'UserSignedOut', 'GuidelineAccepted',
        'AttachmentUploaded', 'AttachmentDownloaded', 'PostCreated', 'PostEdited', 'PostDeleted', 'CommentCreated', 'AnswerMarked', 'AnswerUnmarked',
        'ReactionAdded', 'ReactionRemoved', 'PostPinned', 'PostUnpinned', 'PostReported', 'ReportResolved', 'SpaceFollowed', 'SpaceMuted',
        'SpaceUnmuted', 'SpaceUnfollowed', 'PersonFollowed', 'PersonUnfollowed', 'TopicFollowed', 'TopicUnfollowed', 'NotificationsRead',
        'ConversationStarted', 'MessageSent', 'ConversationRead', 'MessageDeleted', 'PermissionDenied', 'AuditLogRead',
      ];
      expect(expected.filter((type) => !seen.has(type)), 'the scenario reaches these types').to.deep.equal([]);
    });
  });
});
