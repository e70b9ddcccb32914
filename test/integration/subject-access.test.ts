// Subject access (GDPR Art. 15) end to end: ada and bernd post, comment, message each other,
// ada attaches a file and bernd mentions her; `flurfunk audit subject-access` on a DPO's
// authority writes a ZIP for ada that OpenSSL and `flurfunk audit verify` accept, whose events
// are exactly those naming her and whose subject.json holds her profile and her own words —
// and of bernd's words, none (the documented rule: others' content as facts only).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { acceptGuideline, call, person, upload } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCli, runCliInProcess } from '../support/processes.js';

interface Line {
  readonly position: number;
  readonly type: string;
  readonly actor: string;
  readonly streamId: string;
  readonly data: Record<string, unknown>;
  readonly contentState: string;
  readonly content: Record<string, unknown> | null;
}

type Item = Record<string, unknown>;

function unpack(zip: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-sar-unpacked-'));
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

describe('subject-access export (GDPR Art. 15)', function () {
  let t: TestServer;
  let out: string;
  let zip: string;
  let dir: string;
  let lines: Line[];
  let subject: Record<string, unknown>;
  const NOTE = Buffer.from('Adas Notizen zum Sommerfest\n');
  const ids: Record<string, string> = {};

  before(async function () {
    this.timeout(180_000);
    t = await startFlurfunk();
    const [ada, bernd] = [await person(t, 'ada'), await person(t, 'bernd')];
    await person(t, 'dieter');
    await acceptGuideline(t, ada, bernd);
    const post = async (who: typeof ada, space: string, body: object) => {
      const created = await call<{ id: string }>(t, who, 'POST', `/api/spaces/${space}/posts`, body);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      return created.body.id;
    };
    const file = await upload<{ id: string }>(t, ada, 'spaceId=all-company', 'Ada-Notizen.txt', NOTE, 'text/plain');
    expect(file.status).to.equal(201);
    ids.attachment = file.body.id;
    ids.adaPost = await post(ada, 'all-company', { text: 'Ada plant das Sommerfest', attachments: [file.body.id] });
    ids.adaSecret = await post(ada, 'project-apollo', { text: 'Ada vertraulich: Zielpreis 42' });
    ids.berndMention = await post(bernd, 'all-company', { text: 'Bernd fragt @ada nach der Grillliste' });
    ids.berndUnrelated = await post(bernd, 'sales', { text: 'Bernd allein auf der Messe' });
    expect((await call(t, ada, 'POST', `/api/posts/${ids.berndMention}/comments`, { text: 'Ada antwortet: mache ich' })).status).to.equal(201);
    expect((await call(t, bernd, 'POST', `/api/posts/${ids.adaPost}/comments`, { text: 'Bernd kommentiert: prima Idee' })).status).to.equal(201);
    const conversation = await call<{ id: string }>(t, ada, 'POST', '/api/conversations', { participants: ['bernd'] });
    ids.conversation = conversation.body.id;
    expect((await call(t, ada, 'POST', `/api/conversations/${ids.conversation}/messages`, { text: 'Ada an Bernd: Treffen um drei?' })).status).to.equal(201);
    expect((await call(t, bernd, 'POST', `/api/conversations/${ids.conversation}/messages`, { text: 'Bernd an Ada: Geheimtipp Kantine' })).status).to.equal(201);
    expect((await call(t, ada, 'PUT', '/api/people/bernd/follow')).status).to.equal(204);
    expect((await call(t, ada, 'PUT', `/api/posts/${ids.berndMention}/reactions/like`)).status).to.equal(200);
    await t.stop(); // the embedded database admits one process: the CLI's

    out = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-sar-'));
    zip = path.join(out, 'ada.zip');
    const result = await runCli(['audit', 'subject-access', '--as', 'dieter', '--person', 'ada', '--out', zip], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^exported what Flurfunk holds about ada: \d+ events and subject\.json to .*ada\.zip/);
    dir = unpack(zip);
    lines = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    subject = JSON.parse(fs.readFileSync(path.join(dir, 'subject.json'), 'utf8')) as Record<string, unknown>;
  });

  it('writes an owner-only ZIP in the audit format plus subject.json, described as a subject-access export', function () {
    expect(fs.statSync(zip).mode & 0o777).to.equal(0o600);
    expect(fs.readdirSync(out)).to.deep.equal(['ada.zip']);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['README.txt', 'audiences.jsonl', 'certificate.pem', 'chain.json', 'events.csv', 'events.jsonl', 'manifest.json', 'manifest.json.p7s', 'subject.json']);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { kind: string; subject: string; exportedBy: string; events: number; files: { name: string; sha256: string }[] };
    expect(manifest).to.include({ kind: 'subject-access', subject: 'ada', exportedBy: 'dieter', events: lines.length });
    const listed = manifest.files.find((f) => f.name === 'subject.json');
    expect(listed?.sha256).to.equal(crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'subject.json'))).digest('hex'));
  });

  it('is accepted by openssl cms -verify and by flurfunk audit verify', async function () {
    execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'manifest.json.p7s'), '-content', path.join(dir, 'manifest.json'), '-noverify', '-out', '/dev/null'], { stdio: 'pipe' });
    const result = await runCliInProcess(['audit', 'verify', zip], {});
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include(`${lines.length} events`);
  });

  it('holds the events naming ada — her sign-ins, posts, comments, messages, file, follow, and bernd’s mention — and not bernd’s unrelated post', function () {
    const has = (type: string, test: (l: Line) => boolean) => lines.some((l) => l.type === type && test(l));
    expect(has('UserSignedIn', (l) => l.data.userId === 'ada')).to.equal(true);
    expect(has('UserProfileChanged', (l) => l.data.userId === 'ada')).to.equal(true);
    expect(has('PostCreated', (l) => l.data.postId === ids.adaPost)).to.equal(true);
    expect(has('PostCreated', (l) => l.data.postId === ids.adaSecret)).to.equal(true);
    expect(has('PostCreated', (l) => l.data.postId === ids.berndMention), 'bernd’s post mentioning ada').to.equal(true);
    expect(has('CommentCreated', (l) => l.actor === 'ada')).to.equal(true);
    expect(has('CommentCreated', (l) => l.actor === 'bernd' && l.data.postAuthorId === 'ada'), 'a comment on her post').to.equal(true);
    expect(has('ConversationStarted', (l) => l.data.conversationId === ids.conversation)).to.equal(true);
    expect(lines.filter((l) => l.type === 'MessageSent').map((l) => l.actor).sort()).to.deep.equal(['ada', 'bernd']);
    expect(has('AttachmentUploaded', (l) => l.data.attachmentId === ids.attachment)).to.equal(true);
    expect(has('PersonFollowed', (l) => l.data.personId === 'bernd')).to.equal(true);
    expect(has('ReactionAdded', (l) => l.actor === 'ada')).to.equal(true);

    expect(lines.some((l) => l.data.postId === ids.berndUnrelated), 'bernd’s post in sales names nobody').to.equal(false);
    expect(lines.some((l) => l.streamId === 'user:bernd'), 'bernd’s own sign-ins').to.equal(false);
    expect(lines.some((l) => l.streamId === 'user:dieter')).to.equal(false);
    // In position order, and every line names ada somewhere.
    expect(lines.map((l) => l.position)).to.deep.equal([...lines.map((l) => l.position)].sort((a, b) => a - b));
    for (const l of lines) expect(JSON.stringify([l.actor, l.streamId, l.data]), `position ${l.position}`).to.include('ada');
  });

  it('opens ada’s own content in events.jsonl (her messages too), keeps her confidential post and all of bernd’s words sealed', function () {
    const state = (test: (l: Line) => boolean) => lines.find(test)?.contentState;
    const ownPost = lines.find((l) => l.data.postId === ids.adaPost && l.type === 'PostCreated')!;
    expect(ownPost.contentState).to.equal('present');
    expect(ownPost.content).to.deep.equal({ text: 'Ada plant das Sommerfest' });
    expect(state((l) => l.type === 'MessageSent' && l.actor === 'ada')).to.equal('present');
    expect(state((l) => l.type === 'UserProfileChanged')).to.equal('present');
    expect(state((l) => l.type === 'AttachmentUploaded')).to.equal('present');
    expect(state((l) => l.data.postId === ids.adaSecret), 'confidential: never leaves Flurfunk').to.equal('withheld');
    expect(state((l) => l.data.postId === ids.berndMention && l.type === 'PostCreated')).to.equal('withheld');
    expect(state((l) => l.type === 'MessageSent' && l.actor === 'bernd')).to.equal('withheld');
    expect(state((l) => l.type === 'CommentCreated' && l.actor === 'bernd')).to.equal('withheld');
  });

  it('subject.json holds ada’s profile, her texts, her file’s metadata and her activity', function () {
    expect(subject).to.include({ subject: 'ada' });
    expect(subject.profile).to.deep.include({ id: 'ada', name: 'Ada Berger', email: 'ada.berger@flurfunk.example' });
    // As the identity provider sent them at her last sign-in.
    expect((subject.profile as { groups: string[] }).groups).to.have.members(['GG-Alle', 'CN=GG-Apollo,OU=Groups,DC=acme,DC=local']);
    expect((subject.profile as Item).firstSeenAt).to.be.a('string');
    expect((subject.signIns as Item[]).filter((s) => s.event === 'UserSignedIn')).to.have.length.greaterThan(0);
    expect(subject.sessions).to.be.an('array').with.length.greaterThan(0);
    expect((subject.sessions as Item[])[0]).to.have.all.keys('handle', 'createdAt', 'lastSeenAt', 'expiresAt');

    const posts = subject.posts as Item[];
    expect(posts.find((p) => p.id === ids.adaPost)).to.include({ text: 'Ada plant das Sommerfest', spaceId: 'all-company' });
    // dieter is off Apollo's read list: the confidentiality guard keeps her confidential post inside Flurfunk.
    expect(posts.find((p) => p.id === ids.adaSecret)).to.include({ text: null, textWithheld: 'only the people on the read list of a confidential space may see its content' });
    expect((subject.comments as Item[]).map((c) => c.text)).to.deep.equal(['Ada antwortet: mache ich']);
    expect((subject.messages as Item[]).map((m) => m.text)).to.deep.equal(['Ada an Bernd: Treffen um drei?']);
    expect(subject.conversations).to.deep.equal([
      { id: ids.conversation, participants: ['ada', 'bernd'], startedBy: 'ada', createdAt: (subject.conversations as Item[])[0]!.createdAt, title: null, messagesByYou: 1, messagesByOthers: 1 },
    ]);
    expect(subject.attachments).to.have.length(1);
    expect((subject.attachments as Item[])[0]).to.deep.include({ id: ids.attachment, name: 'Ada-Notizen.txt', mediaType: 'text/plain', size: NOTE.length, sha256: crypto.createHash('sha256').update(NOTE).digest('hex'), where: { spaceId: 'all-company', classification: 'internal', postId: ids.adaPost } });
    expect((subject.follows as { people: string[] }).people).to.deep.equal(['bernd']);
    expect((subject.reactions as Item[]).map((r) => [r.postId, r.reaction])).to.deep.equal([[ids.berndMention, 'like']]);
    expect(subject.notifications).to.deep.equal({ count: 3, unread: 3 });
  });

  it('subject.json carries of bernd’s content only facts, none of his words (the documented rule)', function () {
    const text = fs.readFileSync(path.join(dir, 'subject.json'), 'utf8');
    for (const words of ['Grillliste', 'prima Idee', 'Geheimtipp', 'Messe']) expect(text, words).to.not.include(words);
    const concerning = (subject.concerningYou as Item[]).map((n) => [n.kind, n.by]);
    expect(concerning).to.have.deep.members([['mention', 'bernd'], ['reply', 'bernd'], ['message', 'bernd']]);
    expect(subject.rule).to.include('GDPR Art. 15(4)');
  });

  it('refuses someone the policy does not let answer, an unknown person and a bad --out, leaving no file', async function () {
    const denied = path.join(out, 'denied.zip');
    const employee = await runCliInProcess(['audit', 'subject-access', '--as', 'bernd', '--person', 'ada', '--out', denied], t.world.env);
    expect(employee.code).to.equal(1);
    expect(employee.stderr).to.include('bernd may not answer subject-access requests');
    const self = await runCliInProcess(['audit', 'subject-access', '--as', 'ada', '--person', 'ada', '--out', denied], t.world.env);
    expect(self.code, 'not even about oneself: the request goes through a DPO').to.equal(1);
    const unknown = await runCliInProcess(['audit', 'subject-access', '--as', 'dieter', '--person', 'zoe', '--out', denied], t.world.env);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('--person zoe: no person known to Flurfunk with id "zoe"');
    const notZip = await runCliInProcess(['audit', 'subject-access', '--as', 'dieter', '--person', 'ada', '--out', path.join(out, 'ada.txt')], t.world.env);
    expect([notZip.code, notZip.stderr]).to.deep.equal([2, 'flurfunk: --out must name a .zip file\n']);
    const noFolder = await runCliInProcess(['audit', 'subject-access', '--as', 'dieter', '--person', 'ada', '--out', path.join(out, 'missing', 'ada.zip')], t.world.env);
    expect(noFolder.code).to.equal(2);
    expect(noFolder.stderr).to.include('does not exist');
    expect(fs.readdirSync(out)).to.deep.equal(['ada.zip']);
  });

  it('records the export as a SubjectAccessExported event on audit-exports, with clear facts only', async function () {
    const runtime = await t.world.start();
    try {
      const exported = (await runtime.store.readStream('audit-exports')).filter((e) => e.type === 'SubjectAccessExported');
      expect(exported).to.have.length(1);
      const manifestSha256 = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'manifest.json'))).digest('hex');
      expect(exported[0]!.actor).to.equal('dieter');
      expect(exported[0]!.data).to.deep.equal({ via: 'cli', personId: 'ada', file: 'ada.zip', events: lines.length, manifestSha256 });
      expect(exported[0]!.payload).to.equal(null);
    } finally {
      await t.world.stop();
    }
  });

  it('prints --help naming the request it answers', async function () {
    const help = await runCli(['audit', 'subject-access', '--help'], {});
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('GDPR Art. 15').and.include('--person <userId>');
  });
});
