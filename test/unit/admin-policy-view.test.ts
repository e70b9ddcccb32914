// The admin view's pure parts: located problem lines taken apart (file named as in the policy
// folder, wherever the folder is), and the explain form's question checked before deciding.
import path from 'node:path';
import { expect } from 'chai';
import { parseQuestion } from '../../src/admin/explain-request.js';
import { locate } from '../../src/admin/located.js';

describe('admin view of the policy (unit)', function () {
  it('names the file of a located problem relative to the policy folder, absolute or relative to the working folder', function () {
    const absolute = locate('/tmp/flurfunk-x/spaces.yaml:12:11: space all-company post: unknown role "employe"', '/tmp/flurfunk-x');
    expect(absolute).to.deep.equal({ file: 'spaces.yaml', line: 12, column: 11, message: 'space all-company post: unknown role "employe"', text: '/tmp/flurfunk-x/spaces.yaml:12:11: space all-company post: unknown role "employe"' });
    const relative = locate('policies/tests/default.yaml:25:5: test "x" expected deny, got: ALLOW', path.resolve('policies'));
    expect(relative).to.deep.include({ file: 'tests/default.yaml', line: 25, column: 5 });
    // A file outside the folder keeps its name; a problem without a place has none.
    expect(locate('/elsewhere/a.yaml:1:2: oops', '/tmp/flurfunk-x').file).to.equal('/elsewhere/a.yaml');
    expect(locate('/tmp/flurfunk-x: no such folder', '/tmp/flurfunk-x')).to.deep.include({ file: null, line: null, column: null, message: '/tmp/flurfunk-x: no such folder' });
  });

  it('accepts a well-formed question and refuses malformed ones with what is wrong', function () {
    expect(parseQuestion({ person: 'bernd', action: 'read', subject: 'Post', fields: { spaceId: 'sales', mentions: ['ada'] } })).to.deep.equal({
      person: 'bernd',
      groups: undefined,
      roles: undefined,
      action: 'read',
      subject: 'Post',
      fields: { spaceId: 'sales', mentions: ['ada'] },
    });
    expect(parseQuestion({ groups: ['GG-Vertrieb'], action: 'run', subject: 'Retention' }).fields).to.deep.equal({});
    for (const [body, message] of [
      [null, /send a JSON object/],
      [[], /send a JSON object/],
      [{ person: 'bernd', action: 'read', subject: 'Post', extra: 1 }, /unknown field extra/],
      [{ person: '', action: 'read', subject: 'Post' }, /"person" must be/],
      [{ groups: 'GG-Vertrieb', action: 'read', subject: 'Post' }, /"groups" must be a list/],
      [{ roles: [7], action: 'read', subject: 'Post' }, /"roles" must be a list/],
      [{ person: 'bernd', action: 'read', subject: 'Spaceship' }, /"subject" must be one of/],
      [{ person: 'bernd', action: 'inspect', subject: 'Space' }, /Space has the actions read, follow, moderate/],
      [{ person: 'bernd', action: 'read', subject: 'Post', fields: [] }, /"fields" must be an object/],
      [{ person: 'bernd', action: 'read', subject: 'Post', fields: { spaceId: ['sales'] } }, /field "spaceId" must be a text/],
      [{ person: 'bernd', action: 'read', subject: 'Retention', fields: { spaceId: 'sales' } }, /Retention has no field "spaceId"; its fields are none/],
    ] as const) {
      expect(() => parseQuestion(body), JSON.stringify(body)).to.throw(message);
    }
  });
});
