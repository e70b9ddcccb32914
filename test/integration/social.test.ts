// The microblog's social parts through HTTP with real sessions from the development provider:
// reactions, answers, pins, reports to moderators, following people and #topics. Each is
// checked on both sides of the policy (allowed, refused with the reason, hidden as 404), for
// the events it writes, and for bad input being refused with nothing appended.
import { expect } from 'chai';
import { call as apiCall, person, type Answer, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

interface PostBody {
  id: string;
  text: string;
  reactions: Record<string, number>;
  myReactions: string[];
  pinned: boolean;
  answerId: string | null;
  may: Record<string, boolean>;
}

/** The fields these tests read from answers: posts, comments, reports, pages, problems. */
interface Body extends PostBody {
  type: string;
  detail: string;
  version: string;
  isAnswer: boolean;
  postId: string;
  reason: string;
  status: string;
  outcome: string;
  resolvedBy: string;
  next: string | null;
  items: (PostBody & { isAnswer: boolean; kind: string; name: string | null; post: PostBody; reason: string; reportedBy: { id: string; name: string } })[];
}

function call(t: TestServer, who: Person, method: string, path: string, body?: unknown): Promise<Answer<Body>> {
  return apiCall<Body>(t, who, method, path, body);
}

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('reactions, answers, pins, reports and following', function () {
  let t: TestServer;
  let ada: Person; // GG-Alle, GG-Apollo: posts in all-company and Apollo
  let bernd: Person; // GG-Alle, GG-Vertrieb: no Apollo
  let clara: Person; // management: reads Apollo, moderates Apollo and sales
  let ines: Person; // IT admin: moderates all-company
  let dieter: Person; // DPO: all-company only; follows people and topics below

  const head = async () => (await t.world.runtime.store.head()).position;
  const post = async (who: Person, space: string, text: string) => {
    const res = await call(t, who, 'POST', `/api/spaces/${space}/posts`, { text });
    expect(res.status, text).to.equal(201);
    return res.body;
  };
  const streamTypes = async (postId: string) => (await t.world.runtime.store.readStream(`post:${postId}`)).map((e) => e.type);
  /** Every bad request answers a problem with `status` and appends nothing. */
  const refusedWithoutTrace = async (who: Person, cases: [string, string, unknown, number, RegExp][]) => {
    const before = await head();
    for (const [method, path, body, status, detail] of cases) {
      const res = await call(t, who, method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).to.equal(status);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.body.detail).to.match(detail);
    }
    expect(await head()).to.equal(before);
  };

  before(async function () {
    t = await startFlurfunk();
    [ada, bernd, clara, ines, dieter] = [await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'clara'), await person(t, 'ines'), await person(t, 'dieter')];
    const { version } = (await call(t, ada, 'GET', '/api/guideline')).body;
    for (const p of [ada, bernd, clara, ines, dieter]) expect((await call(t, p, 'POST', '/api/guideline/acceptance', { version })).status).to.equal(201);
  });
  after(async function () {
    await t.stop();
  });

  describe('reactions', function () {
    it('counts reactions per post, shows each reader their own, and counts reacting twice once', async function () {
      const p = await post(ada, 'all-company', 'Neue Kaffeemaschine im 2. Stock');
      expect(p.reactions).to.deep.equal({ like: 0, thanks: 0, celebrate: 0, insightful: 0 });
      expect(p).to.include({ pinned: false, answerId: null });
      expect(p.myReactions).to.deep.equal([]);

      const liked = await call(t, bernd, 'PUT', `/api/posts/${p.id}/reactions/like`);
      expect(liked.status).to.equal(200);
      expect(liked.body.reactions.like).to.equal(1);
      expect(liked.body.myReactions).to.deep.equal(['like']);
      const position = await head();
      const again = await call(t, bernd, 'PUT', `/api/posts/${p.id}/reactions/like`);
      expect(again.status).to.equal(200);
      expect(again.body.reactions.like).to.equal(1);
      expect(await head(), 'reacting twice appends nothing').to.equal(position);

      await call(t, bernd, 'PUT', `/api/posts/${p.id}/reactions/celebrate`);
      await call(t, clara, 'PUT', `/api/posts/${p.id}/reactions/like`);
      // Each reader sees the same counts and their own reactions, in lists as in single reads.
      const seenBy = async (who: Person) => (await call(t, who, 'GET', '/api/spaces/all-company/posts?limit=100')).body.items.find((i) => i.id === p.id)!;
      expect((await seenBy(ada)).reactions).to.deep.equal({ like: 2, thanks: 0, celebrate: 1, insightful: 0 });
      expect((await seenBy(ada)).myReactions).to.deep.equal([]);
      expect((await seenBy(bernd)).myReactions).to.deep.equal(['like', 'celebrate']);
      expect((await seenBy(clara)).myReactions).to.deep.equal(['like']);

      const withdrawn = await call(t, bernd, 'DELETE', `/api/posts/${p.id}/reactions/like`);
      expect(withdrawn.status).to.equal(200);
      expect(withdrawn.body.reactions).to.include({ like: 1, celebrate: 1 });
      expect(withdrawn.body.myReactions).to.deep.equal(['celebrate']);
      const afterWithdrawal = await head();
      expect((await call(t, bernd, 'DELETE', `/api/posts/${p.id}/reactions/like`)).status).to.equal(200);
      expect(await head(), 'withdrawing twice appends nothing').to.equal(afterWithdrawal);

      expect(await streamTypes(p.id)).to.deep.equal(['PostCreated', 'ReactionAdded', 'ReactionAdded', 'ReactionAdded', 'ReactionRemoved']);
      const [, first] = await t.world.runtime.store.readStream(`post:${p.id}`);
      expect(first!.data).to.deep.equal({ postId: p.id, spaceId: 'all-company', userId: 'bernd', reaction: 'like' });
      expect(first!.actor).to.equal('bernd');
    });

    it('refuses reactions outside the set, and hides confidential posts from non-readers as if missing', async function () {
      const p = await post(ada, 'all-company', 'Reaktionen bitte nur aus der Liste');
      await refusedWithoutTrace(bernd, [
        ['PUT', `/api/posts/${p.id}/reactions/love`, undefined, 400, /must be one of like, thanks, celebrate, insightful/],
        ['DELETE', `/api/posts/${p.id}/reactions/LIKE`, undefined, 400, /must be one of/],
      ]);
      const secret = await post(ada, 'project-apollo', 'Apollo: Testlauf verschoben');
      const hidden = await call(t, bernd, 'PUT', `/api/posts/${secret.id}/reactions/like`);
      const missing = await call(t, bernd, 'PUT', `/api/posts/${MISSING}/reactions/like`);
      expect(hidden.status).to.equal(404);
      expect({ ...hidden.body, instance: undefined, requestId: undefined }).to.deep.equal({ ...missing.body, instance: undefined, requestId: undefined });
      // Even a reaction outside the set does not tell hidden from missing.
      expect((await call(t, bernd, 'PUT', `/api/posts/${secret.id}/reactions/love`)).status).to.equal(404);
      // Management reads Apollo without posting there, and may react.
      expect((await call(t, clara, 'PUT', `/api/posts/${secret.id}/reactions/thanks`)).body.reactions.thanks).to.equal(1);
    });
  });

  describe('answers', function () {
    it('lets the post’s author mark one comment as the answer, and replace or remove it', async function () {
      const question = await post(bernd, 'all-company', 'Wer weiß, wo der Schlüssel zum Lager ist?');
      const byAda = (await call(t, ada, 'POST', `/api/posts/${question.id}/comments`, { text: 'Beim Empfang' })).body;
      const byClara = (await call(t, clara, 'POST', `/api/posts/${question.id}/comments`, { text: 'Im Schrank neben der Tür' })).body;

      const refused = await call(t, ada, 'PUT', `/api/posts/${question.id}/answer`, { commentId: byAda.id });
      expect(refused.status).to.equal(403);
      expect(refused.body).to.include({ type: 'urn:flurfunk:problem:forbidden', detail: 'You may read this post but not mark its answer.' });
      expect((await call(t, ada, 'GET', `/api/posts/${question.id}/comments`)).body.items.map((c) => c.may.markAnswer)).to.deep.equal([false, false]);
      expect((await call(t, bernd, 'GET', `/api/posts/${question.id}/comments`)).body.items.map((c) => c.may.markAnswer)).to.deep.equal([true, true]);

      const marked = await call(t, bernd, 'PUT', `/api/posts/${question.id}/answer`, { commentId: byAda.id });
      expect(marked.status).to.equal(200);
      expect(marked.body.answerId).to.equal(byAda.id);
      expect((await call(t, ada, 'GET', `/api/posts/${question.id}`)).body.answerId).to.equal(byAda.id);
      const answers = async () => (await call(t, ada, 'GET', `/api/posts/${question.id}/comments`)).body.items.map((c) => c.isAnswer);
      expect(await answers()).to.deep.equal([true, false]);
      const position = await head();
      expect((await call(t, bernd, 'PUT', `/api/posts/${question.id}/answer`, { commentId: byAda.id })).status).to.equal(200);
      expect(await head(), 'marking the answer again appends nothing').to.equal(position);

      expect((await call(t, bernd, 'PUT', `/api/posts/${question.id}/answer`, { commentId: byClara.id })).body.answerId).to.equal(byClara.id);
      expect(await answers()).to.deep.equal([false, true]);
      expect((await call(t, ada, 'DELETE', `/api/posts/${question.id}/answer`)).status).to.equal(403);
      const unmarked = await call(t, bernd, 'DELETE', `/api/posts/${question.id}/answer`);
      expect(unmarked.status).to.equal(200);
      expect(unmarked.body.answerId).to.equal(null);
      expect(await answers()).to.deep.equal([false, false]);
      const afterUnmark = await head();
      expect((await call(t, bernd, 'DELETE', `/api/posts/${question.id}/answer`)).status).to.equal(200);
      expect(await head()).to.equal(afterUnmark);

      // The space's moderators may mark answers too (the spaces' moderate list grants it).
      expect((await call(t, ines, 'PUT', `/api/posts/${question.id}/answer`, { commentId: byAda.id })).body.answerId).to.equal(byAda.id);
      expect(await streamTypes(question.id)).to.deep.equal(['PostCreated', 'CommentCreated', 'CommentCreated', 'AnswerMarked', 'AnswerMarked', 'AnswerUnmarked', 'AnswerMarked']);
      const last = (await t.world.runtime.store.readStream(`post:${question.id}`)).at(-1)!;
      expect(last.data).to.deep.equal({ postId: question.id, spaceId: 'all-company', commentId: byAda.id, markedBy: 'ines' });
    });

    it('refuses anything but a comment of the same post, and hides confidential posts', async function () {
      const question = await post(bernd, 'all-company', 'Gibt es noch Parkplätze?');
      const elsewhere = await post(bernd, 'all-company', 'Anderes Thema');
      const foreign = (await call(t, ada, 'POST', `/api/posts/${elsewhere.id}/comments`, { text: 'Antwort woanders' })).body;
      const path = `/api/posts/${question.id}/answer`;
      await refusedWithoutTrace(bernd, [
        ['PUT', path, {}, 400, /"commentId" must be the id of a comment on this post/],
        ['PUT', path, { commentId: 42 }, 400, /"commentId" must be the id/],
        ['PUT', path, { commentId: 'not-a-uuid' }, 400, /"commentId" must be the id/],
        ['PUT', path, { commentId: MISSING }, 400, /"commentId" must be the id/],
        ['PUT', path, { commentId: foreign.id }, 400, /"commentId" must be the id/],
        ['PUT', path, { commentId: foreign.id, note: 'x' }, 400, /unknown field "note"/],
        ['PUT', path, [foreign.id], 400, /expected a JSON object/],
        ['PUT', path, 'commentId', 400, /could not be read/],
      ]);
      const secret = await post(ada, 'project-apollo', 'Apollo: wer hat das Protokoll?');
      const reply = (await call(t, ada, 'POST', `/api/posts/${secret.id}/comments`, { text: 'Ich' })).body;
      expect((await call(t, bernd, 'PUT', `/api/posts/${secret.id}/answer`, { commentId: reply.id })).status).to.equal(404);
      expect((await call(t, bernd, 'DELETE', `/api/posts/${secret.id}/answer`)).status).to.equal(404);
    });
  });

  describe('pins', function () {
    it('lets a space’s moderators pin and unpin; other readers get 403 with the reason', async function () {
      const announcement = await post(ada, 'all-company', 'Betriebsversammlung am Montag um 9');
      const refused = await call(t, bernd, 'PUT', `/api/posts/${announcement.id}/pin`);
      expect(refused.status).to.equal(403);
      expect(refused.body).to.include({ type: 'urn:flurfunk:problem:forbidden', detail: 'You may read this post but not pin or unpin it.' });
      expect((await call(t, ada, 'PUT', `/api/posts/${announcement.id}/pin`)).status, 'not even the author').to.equal(403);
      expect(announcement.may.pin).to.equal(false);

      const pinned = await call(t, ines, 'PUT', `/api/posts/${announcement.id}/pin`);
      expect(pinned.status).to.equal(200);
      expect(pinned.body).to.include({ pinned: true });
      expect(pinned.body.may.pin).to.equal(true);
      const position = await head();
      expect((await call(t, ines, 'PUT', `/api/posts/${announcement.id}/pin`)).status).to.equal(200);
      expect(await head(), 'pinning twice appends nothing').to.equal(position);

      const later = await post(bernd, 'all-company', 'Kantine geschlossen am Freitag');
      await call(t, ines, 'PUT', `/api/posts/${later.id}/pin`);
      const pins = async (who: Person, space = 'all-company') => (await call(t, who, 'GET', `/api/spaces/${space}/pinned`)).body.items.map((i) => i.text);
      expect(await pins(bernd)).to.deep.equal(['Kantine geschlossen am Freitag', 'Betriebsversammlung am Montag um 9']);
      const firstPage = (await call(t, bernd, 'GET', '/api/spaces/all-company/pinned?limit=1')).body;
      expect(firstPage.items.map((i) => i.text)).to.deep.equal(['Kantine geschlossen am Freitag']);
      expect((await call(t, bernd, 'GET', `/api/spaces/all-company/pinned?limit=1&cursor=${firstPage.next}`)).body.items.map((i) => i.text)).to.deep.equal(['Betriebsversammlung am Montag um 9']);
      expect((await call(t, bernd, 'GET', `/api/posts/${announcement.id}`)).body.pinned).to.equal(true);

      expect((await call(t, bernd, 'DELETE', `/api/posts/${announcement.id}/pin`)).status).to.equal(403);
      expect((await call(t, ines, 'DELETE', `/api/posts/${announcement.id}/pin`)).body.pinned).to.equal(false);
      expect(await pins(bernd)).to.deep.equal(['Kantine geschlossen am Freitag']);
      expect(await streamTypes(announcement.id)).to.deep.equal(['PostCreated', 'PostPinned', 'PostUnpinned']);
    });

    it('keeps a confidential space’s pins to its readers', async function () {
      const secret = await post(ada, 'project-apollo', 'Apollo: Zeitplan Q3');
      expect((await call(t, ada, 'PUT', `/api/posts/${secret.id}/pin`)).status, 'a member who does not moderate').to.equal(403);
      expect((await call(t, bernd, 'PUT', `/api/posts/${secret.id}/pin`)).status).to.equal(404);
      expect((await call(t, clara, 'PUT', `/api/posts/${secret.id}/pin`)).body.pinned).to.equal(true);
      expect((await call(t, ada, 'GET', '/api/spaces/project-apollo/pinned')).body.items.map((i) => i.id)).to.deep.equal([secret.id]);
      expect((await call(t, bernd, 'GET', '/api/spaces/project-apollo/pinned')).status).to.equal(404);
      expect((await call(t, bernd, 'DELETE', `/api/posts/${secret.id}/pin`)).status).to.equal(404);
    });
  });

  describe('reports', function () {
    it('takes a reader’s report with a sealed reason, and tells the reporter nothing about other reports', async function () {
      const p = await post(ada, 'all-company', 'Verkaufe Fahrrad, 50 Euro');
      const reported = await call(t, bernd, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Privatverkauf gehört nicht hierher' });
      expect(reported.status).to.equal(201);
      expect(Object.keys(reported.body).sort()).to.deep.equal(['id', 'postId', 'reason', 'reportedAt', 'status']);
      expect(reported.body).to.include({ postId: p.id, reason: 'Privatverkauf gehört nicht hierher', status: 'open' });
      const event = (await t.world.runtime.store.readStream(`post:${p.id}`)).at(-1)!;
      expect(event.type).to.equal('PostReported');
      expect(event.data).to.deep.equal({ reportId: reported.body.id, postId: p.id, spaceId: 'all-company', reporterId: 'bernd' });
      expect(event.payload).to.not.equal(null);
      expect(event.payload!.toString('latin1')).to.not.include('Privatverkauf');

      const second = await call(t, clara, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Bitte in den Marktplatz' });
      expect(second.status).to.equal(201);
      expect(second.body.id).to.not.equal(reported.body.id);
      expect(JSON.stringify(second.body)).to.not.include('bernd').and.not.include('Privatverkauf');
      // Reporting again while the report is open answers the same report and appends nothing.
      const position = await head();
      const repeated = await call(t, bernd, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Nochmal' });
      expect(repeated.status).to.equal(200);
      expect(repeated.body).to.include({ id: reported.body.id, reason: 'Privatverkauf gehört nicht hierher' });
      expect(await head()).to.equal(position);
      // Readers who are not moderators see no reports at all.
      const list = await call(t, bernd, 'GET', '/api/spaces/all-company/reports');
      expect(list.status).to.equal(403);
      expect(list.body.detail).to.equal('You may read space all-company but not moderate it.');
    });

    it('lists open reports to the space’s moderators, who keep or remove the post', async function () {
      const p = await post(ada, 'all-company', 'Werbung für meinen Nebenjob');
      const byBernd = (await call(t, bernd, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Werbung' })).body;
      const byClara = (await call(t, clara, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Spam' })).body;
      const open = async () => (await call(t, ines, 'GET', '/api/spaces/all-company/reports?limit=100')).body.items.filter((r) => r.post.id === p.id);
      const listed = await open();
      expect(listed.map((r) => [r.reason, r.reportedBy.id, r.reportedBy.name])).to.deep.equal([
        ['Werbung', 'bernd', 'Bernd Vogel'],
        ['Spam', 'clara', 'Clara Hoffmann'],
      ]);
      expect(listed[0]!.post.text).to.equal('Werbung für meinen Nebenjob');

      expect((await call(t, bernd, 'POST', `/api/reports/${byBernd.id}/resolution`, { outcome: 'kept' })).status).to.equal(404); // a report exists for its space's moderators only
      const kept = await call(t, ines, 'POST', `/api/reports/${byBernd.id}/resolution`, { outcome: 'kept' });
      expect(kept.status).to.equal(200);
      expect(kept.body).to.include({ id: byBernd.id, postId: p.id, outcome: 'kept', resolvedBy: 'ines' });
      expect((await open()).map((r) => r.id)).to.deep.equal([byClara.id]);
      const position = await head();
      expect((await call(t, ines, 'POST', `/api/reports/${byBernd.id}/resolution`, { outcome: 'kept' })).body.outcome).to.equal('kept');
      expect(await head(), 'the same resolution again appends nothing').to.equal(position);

      const third = (await call(t, dieter, 'POST', `/api/posts/${p.id}/reports`, { reason: 'Nebentätigkeit' })).body;
      const removed = await call(t, ines, 'POST', `/api/reports/${byClara.id}/resolution`, { outcome: 'removed' });
      expect(removed.status).to.equal(200);
      expect(removed.body).to.include({ outcome: 'removed' });
      expect((await call(t, ada, 'GET', `/api/posts/${p.id}`)).status).to.equal(404);
      expect(await open()).to.deep.equal([]);
      // One batch settles every open report of the post and deletes it.
      const stream = await t.world.runtime.store.readStream(`post:${p.id}`);
      expect(stream.map((e) => e.type)).to.deep.equal(['PostCreated', 'PostReported', 'PostReported', 'ReportResolved', 'PostReported', 'ReportResolved', 'ReportResolved', 'PostDeleted']);
      expect(stream.slice(-3).map((e) => e.data.reportId)).to.deep.equal([byClara.id, third.id, undefined]);
      expect(stream.at(-1)!.actor).to.equal('ines');
      expect((await call(t, ines, 'POST', `/api/reports/${byClara.id}/resolution`, { outcome: 'kept' })).status, 'gone with its post').to.equal(404);
    });

    it('keeps confidential spaces’ reports among their readers and moderators, and refuses bad input', async function () {
      const secret = await post(ada, 'project-apollo', 'Apollo: Budget überschritten');
      expect((await call(t, bernd, 'POST', `/api/posts/${secret.id}/reports`, { reason: 'x' })).status).to.equal(404);
      const report = (await call(t, ada, 'POST', `/api/posts/${secret.id}/reports`, { reason: 'Gehört in die Leitungsrunde' })).body;
      expect((await call(t, bernd, 'GET', '/api/spaces/project-apollo/reports')).status).to.equal(404);
      expect((await call(t, ada, 'GET', '/api/spaces/project-apollo/reports')).status, 'a member who does not moderate').to.equal(403);
      expect((await call(t, ines, 'GET', '/api/spaces/project-apollo/reports')).status, 'all-company’s moderator, not Apollo’s').to.equal(404);
      expect((await call(t, clara, 'GET', '/api/spaces/project-apollo/reports')).body.items.map((r) => r.id)).to.deep.equal([report.id]);
      expect((await call(t, bernd, 'POST', `/api/reports/${report.id}/resolution`, { outcome: 'kept' })).status).to.equal(404);
      expect((await call(t, ada, 'POST', `/api/reports/${report.id}/resolution`, { outcome: 'kept' })).status).to.equal(404); // only its space's moderators learn that a report exists

      await refusedWithoutTrace(ada, [
        ['POST', `/api/posts/${secret.id}/reports`, {}, 400, /"reason" must be a string/],
        ['POST', `/api/posts/${secret.id}/reports`, { reason: '   ' }, 400, /"reason" is empty/],
        ['POST', `/api/posts/${secret.id}/reports`, { reason: 'ä'.repeat(1001) }, 400, /has 1001 characters; at most 1000/],
        ['POST', `/api/posts/${secret.id}/reports`, { reason: 'x', severity: 'high' }, 400, /unknown field "severity"/],
        ['POST', `/api/posts/${secret.id}/reports`, 'reason=x', 400, /could not be read/],
      ]);
      await refusedWithoutTrace(clara, [
        ['POST', `/api/reports/${report.id}/resolution`, { outcome: 'deleted' }, 400, /expected exactly \{ "outcome": "kept" \| "removed" \}/],
        ['POST', `/api/reports/${report.id}/resolution`, { outcome: 'kept', note: 'x' }, 400, /expected exactly/],
        ['POST', `/api/reports/${MISSING}/resolution`, { outcome: 'kept' }, 404, /No such resource/],
        ['POST', '/api/reports/not-an-id/resolution', { outcome: 'kept' }, 404, /No such resource/],
      ]);
    });
  });

  describe('following people and topics', function () {
    it('gathers followed people’s and topics’ posts into the timeline, never from spaces the follower cannot read', async function () {
      const timeline = async () => (await call(t, dieter, 'GET', '/api/timeline?limit=100')).body.items.map((i) => i.text);
      expect((await call(t, dieter, 'PUT', '/api/people/ada/follow')).status).to.equal(204);
      const position = await head();
      expect((await call(t, dieter, 'PUT', '/api/people/ada/follow')).status).to.equal(204);
      expect(await head(), 'following twice appends nothing').to.equal(position);
      expect((await call(t, dieter, 'PUT', '/api/topics/%23Kantine/follow')).status).to.equal(204);

      await post(ada, 'all-company', 'Ada: Vortrag über Raketen am Donnerstag');
      await post(ada, 'project-apollo', 'Ada: Apollo-Interna, nur für das Team');
      await post(bernd, 'all-company', 'Heute in der #kantine: Linsensuppe');
      await post(bernd, 'sales', 'Vertrieb: Umsatzzahlen zur #Kantine');
      await post(bernd, 'all-company', 'Bernd ohne Thema');
      const seen = await timeline();
      expect(seen).to.include.members(['Ada: Vortrag über Raketen am Donnerstag', 'Heute in der #kantine: Linsensuppe']);
      expect(seen.join('|')).to.not.include('Apollo-Interna').and.not.include('Umsatzzahlen').and.not.include('Bernd ohne Thema');

      const following = (await call(t, dieter, 'GET', '/api/me/following')).body;
      expect(following.items.map((i) => [i.kind, (i as unknown as { id: string }).id, i.name])).to.deep.equal([
        ['person', 'ada', 'Ada Berger'],
        ['topic', 'kantine', '#kantine'],
      ]);
      expect(following.next).to.equal(null);

      expect((await call(t, dieter, 'DELETE', '/api/people/ada/follow')).status).to.equal(204);
      expect((await call(t, dieter, 'DELETE', '/api/topics/kantine/follow')).status).to.equal(204);
      expect(await timeline()).to.not.include('Ada: Vortrag über Raketen am Donnerstag').and.not.include('Heute in der #kantine: Linsensuppe');
      expect((await call(t, dieter, 'GET', '/api/me/following')).body.items).to.deep.equal([]);
      const events = (await t.world.runtime.store.readStream('user:dieter')).filter((e) => /Followed|Unfollowed/.test(e.type));
      expect(events.map((e) => [e.type, e.data])).to.deep.equal([
        ['PersonFollowed', { userId: 'dieter', personId: 'ada' }],
        ['TopicFollowed', { userId: 'dieter', topic: 'kantine' }],
        ['PersonUnfollowed', { userId: 'dieter', personId: 'ada' }],
        ['TopicUnfollowed', { userId: 'dieter', topic: 'kantine' }],
      ]);
    });

    it('lists followed spaces the follower may still read, and refuses unknown people and malformed topics', async function () {
      await call(t, dieter, 'PUT', '/api/spaces/all-company/follow');
      expect((await call(t, dieter, 'GET', '/api/me/following')).body.items.map((i) => [i.kind, i.name])).to.deep.equal([['space', 'Ganze Firma']]);
      await call(t, dieter, 'DELETE', '/api/spaces/all-company/follow');
      await refusedWithoutTrace(dieter, [
        ['PUT', '/api/people/nobody-signed-in/follow', undefined, 404, /No such resource/],
        ['DELETE', '/api/people/nobody-signed-in/follow', undefined, 404, /No such resource/],
        ['PUT', '/api/people/dieter/follow', undefined, 400, /your own posts are in your timeline already/],
        ['PUT', '/api/topics/%23/follow', undefined, 400, /as after a # in a post/],
        ['PUT', '/api/topics/zwei%20Worte/follow', undefined, 400, /as after a # in a post/],
        ['PUT', `/api/topics/${'x'.repeat(65)}/follow`, undefined, 400, /up to 64/],
      ]);
      // A topic in another script is a topic like any other.
      expect((await call(t, dieter, 'PUT', `/api/topics/${encodeURIComponent('Übergabe')}/follow`)).status).to.equal(204);
      expect((await call(t, dieter, 'GET', '/api/me/following')).body.items.map((i) => i.name)).to.deep.equal(['#übergabe']);
    });
  });
});
