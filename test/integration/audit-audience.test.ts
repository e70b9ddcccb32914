// "Who could read it, then": an export names, for each post, comment and message, the people
// who could read it at the moment it was written — under the policy version that allowed the
// write and the directory groups recorded by then — not who can read it today. The scenario
// changes both between three posts in a confidential space: bernd joins its group, then the
// policy opens the space to the data-protection group.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { acceptGuideline, call, person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { runCliInProcess } from '../support/processes.js';

interface Line {
  readonly position: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly contentState: string;
  readonly audience: { id: string; readers: number; excluded: number } | null;
}

interface AudienceRecord {
  readonly id: string;
  readonly subject: string;
  readonly policyVersion: string;
  readonly readers: { id: string; via: string }[];
  readonly excluded: number;
}

const projectRoot = path.resolve(import.meta.dirname, '../..');

describe('audit export: the audience at the time of writing', function () {
  let t: TestServer;
  let lines: Line[];
  let audiences: Map<string, AudienceRecord>;
  const posts: string[] = [];
  let conversationId: string;
  let commentId: string;

  before(async function () {
    this.timeout(180_000);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flurfunk-audience-'));
    const policyDir = path.join(scratch, 'policies');
    fs.cpSync(path.join(projectRoot, 'policies'), policyDir, { recursive: true });
    fs.rmSync(path.join(policyDir, 'tests'), { recursive: true }); // the edit below would fail the shipped tests on purpose
    const usersFile = path.join(scratch, 'demo-users.yaml');
    fs.copyFileSync(path.join(projectRoot, 'dev', 'demo-users.yaml'), usersFile);
    t = await startFlurfunk({ POLICY_DIR: policyDir, FLURFUNK_DEV_USERS: usersFile });

    const signInAll = async () => Promise.all(['ada', 'bernd', 'clara', 'dieter'].map((name) => person(t, name)));
    const post = async (text: string) => {
      const [ada] = await signInAll();
      const created = await call<{ id: string }>(t, ada!, 'POST', '/api/spaces/project-apollo/posts', { text });
      expect(created.status).to.equal(201);
      posts.push(created.body.id);
    };

    const [ada, bernd, clara, dieter] = await signInAll();
    await acceptGuideline(t, ada!, bernd!, clara!, dieter!);
    await post('Apollo: erster Entwurf');

    // The directory moves bernd into the project group; his next sign-in records it.
    const users = YAML.parse(fs.readFileSync(usersFile, 'utf8')) as { users: Record<string, { groups: string[] }> };
    users.users.bernd!.groups.push('GG-Apollo');
    fs.writeFileSync(usersFile, YAML.stringify(users));
    await t.restart();
    await post('Apollo: zweiter Entwurf');

    // The admins open the space to the data-protection group: a new policy version.
    const spaces = path.join(policyDir, 'spaces.yaml');
    fs.writeFileSync(spaces, fs.readFileSync(spaces, 'utf8').replace('read: { groups: [GG-Apollo, GG-Geschaeftsleitung] }', 'read: { groups: [GG-Apollo, GG-Geschaeftsleitung, GG-Datenschutz] }'));
    await t.restart();
    await post('Apollo: dritter Entwurf');
    const [ada3, bernd3] = await signInAll();
    expect((await call(t, ada3!, 'PATCH', `/api/posts/${posts[0]}`, { text: 'Apollo: erster Entwurf, korrigiert' })).status).to.equal(200);
    const comment = await call<{ id: string }>(t, bernd3!, 'POST', `/api/posts/${posts[2]}/comments`, { text: 'Passt.' });
    expect(comment.status).to.equal(201);
    commentId = comment.body.id;
    const conversation = await call<{ id: string }>(t, ada3!, 'POST', '/api/conversations', { participants: [bernd3!.id] });
    conversationId = conversation.body.id;
    expect((await call(t, ada3!, 'POST', `/api/conversations/${conversationId}/messages`, { text: 'Unter uns' })).status).to.equal(201);
    await t.stop();

    const zip = path.join(scratch, 'audit.zip');
    const result = await runCliInProcess(['audit', 'export', '--as', 'dieter', '--out', zip], t.world.env);
    expect(result.code, result.stderr).to.equal(0);
    const dir = path.join(scratch, 'unpacked');
    execFileSync('unzip', ['-q', zip, '-d', dir]);
    lines = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    audiences = new Map(
      fs
        .readFileSync(path.join(dir, 'audiences.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as AudienceRecord)
        .map((a) => [a.id, a]),
    );
    expect((await runCliInProcess(['audit', 'verify', zip], {})).code).to.equal(0);
  });

  const readersOf = (line: Line | undefined) => {
    expect(line?.audience, 'the line names an audience').to.not.equal(null);
    const record = audiences.get(line!.audience!.id);
    expect(record, `audiences.jsonl holds ${line!.audience!.id}`).to.not.equal(undefined);
    expect(record!.readers).to.have.length(line!.audience!.readers);
    return record!.readers.map((r) => r.id).sort();
  };
  const created = (postId: string) => lines.find((l) => l.type === 'PostCreated' && l.data.postId === postId);

  it('names the readers each post had when written, not those it has now', function () {
    expect(readersOf(created(posts[0]!))).to.deep.equal(['ada', 'clara']);
    expect(readersOf(created(posts[1]!)), 'after bernd joined GG-Apollo').to.deep.equal(['ada', 'bernd', 'clara']);
    expect(readersOf(created(posts[2]!)), 'after the policy opened the space to GG-Datenschutz').to.deep.equal(['ada', 'bernd', 'clara', 'dieter']);
  });

  it('says which rule let each reader read, and counts the known people left out', function () {
    const first = audiences.get(created(posts[0]!)!.audience!.id)!;
    expect(first.subject).to.equal('Post');
    expect(first.readers.every((r) => r.via === 'space project-apollo: read list')).to.equal(true);
    expect(first.excluded).to.equal(2); // bernd and dieter had signed in, and could not read it
    const third = audiences.get(created(posts[2]!)!.audience!.id)!;
    expect(third.policyVersion).to.not.equal(first.policyVersion);
  });

  it('gives comments and messages their audience too, and events without content none', function () {
    const comment = lines.find((l) => l.type === 'CommentCreated' && l.data.commentId === commentId);
    expect(readersOf(comment)).to.deep.equal(['ada', 'bernd', 'clara', 'dieter']);
    const message = lines.find((l) => l.type === 'MessageSent' && l.data.conversationId === conversationId);
    expect(readersOf(message)).to.deep.equal(['ada', 'bernd']);
    expect(message!.contentState, 'private messages leave only as facts').to.equal('withheld');
    expect(lines.find((l) => l.type === 'UserSignedIn')!.audience).to.equal(null);
  });

  it('judges an edit by the post it edits: withheld in a confidential space, with the audience at the time of the edit', function () {
    const edit = lines.find((l) => l.type === 'PostEdited' && l.data.postId === posts[0]);
    expect(edit!.contentState).to.equal('withheld');
    expect(readersOf(edit)).to.deep.equal(['ada', 'bernd', 'clara', 'dieter']);
  });

  it('writes each distinct audience once', function () {
    const used = new Set(lines.flatMap((l) => (l.audience ? [l.audience.id] : [])));
    expect([...audiences.keys()].sort()).to.deep.equal([...used].sort());
  });
});
