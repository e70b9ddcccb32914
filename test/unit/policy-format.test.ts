// The policy file format: the shipped set is valid and passes its own tests; every kind of
// mistake an admin makes is refused with the file, line and column to look at; the version
// follows the content, not the formatting.
import path from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { buildPolicySet } from '../../src/policy/build-policy-set.js';
import { CompiledPolicy } from '../../src/policy/compile.js';
import type { PolicySet } from '../../src/policy/model.js';
import { readPolicyFiles, readPolicyTestFiles } from '../../src/policy/policy-folder.js';
import { runPolicyTests } from '../../src/policy/policy-tests.js';
import { formatProblem } from '../../src/policy/yaml-source.js';
import { projectRoot } from '../support/processes.js';

const shippedDir = path.join(projectRoot, 'policies');
const shipped = readPolicyFiles(shippedDir);

/** A YAML text from its lines, so a test's line numbers can be counted off the source. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function built(files: Readonly<Record<string, string>>, prefix = ''): PolicySet {
  const result = buildPolicySet(files, prefix);
  if (!result.ok) throw new Error(`expected a valid set, got:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.set;
}

/** The set's problems as `file:line:column: message`; fails when the set is accepted. */
function problemsOf(files: Readonly<Record<string, string>>, prefix = ''): string[] {
  const result = buildPolicySet(files, prefix);
  if (result.ok) throw new Error('expected the set to be refused, but it was accepted');
  return result.problems.map(formatProblem);
}

/** The rules written in `file` (files are merged in name order, so position says little). */
function rulesIn(set: PolicySet, file: string) {
  return set.rules.filter((r) => r.at.file === file);
}

/** The shipped set with one shipped file edited; fails if the edit does not apply. */
function shippedWith(name: string, from: string, to: string): Record<string, string> {
  const text = shipped[name];
  if (text === undefined || !text.includes(from)) throw new Error(`${name} does not contain ${JSON.stringify(from)}`);
  return { ...shipped, [name]: text.replace(from, to) };
}

describe('policy format', function () {
  describe('the shipped set', function () {
    it('validates without problems or warnings', function () {
      const set = built(shipped);
      expect(set.version).to.match(/^[0-9a-f]{64}$/);
      expect(set.roles.size).to.be.greaterThan(0);
      expect(set.spaces.size).to.be.greaterThan(0);
      expect(set.warnings).to.deep.equal([]);
      expect(set.guideline?.text).to.equal(shipped['usage-guideline.md']);
    });

    it('passes every case in policies/tests', function () {
      const run = runPolicyTests(new CompiledPolicy(built(shipped)), readPolicyTestFiles(shippedDir), 'tests/');
      expect(run.problems).to.deep.equal([]);
      expect(run.results).to.not.be.empty;
      expect(run.results.filter((r) => !r.passed).map((r) => `${r.case.name}: ${r.detail}`)).to.deep.equal([]);
      expect(run.passed).to.equal(true);
    });
  });

  describe('located problems', function () {
    it('reports a key typo, an unknown role and a YAML syntax error in another file, each at its file:line:column', function () {
      const files = readPolicyFiles(path.join(projectRoot, 'test/fixtures/policies/broken'));
      expect(problemsOf(files, 'broken/')).to.deep.equal([
        // limits.yaml line 4 is "  commentLength 2000" (the colon is missing)
        'broken/limits.yaml:4:3: YAML syntax: Implicit keys need to be on a single line',
        // spaces.yaml line 13 is "    moderate: { roles: [admins] }": the list starts at column 15
        'broken/spaces.yaml:13:15: space all-company moderate: unknown role "admins" (did you mean "admin"?); defined roles: employee, dpo, admin',
        // spaces.yaml line 23 is "    titel: Vertrieb": one problem, not also "title is missing"
        'broken/spaces.yaml:23:5: spaces.sales: unknown key "titel" (did you mean "title"?); expected one of: title, description, classification, read, post, moderate',
      ]);
    });

    it('refuses an unknown key in a rule, at the key', function () {
      const files = { ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    allow: react', '    subject: Post', '    wehn: { topics: announcements }') };
      expect(problemsOf(files)).to.deep.equal(['extra.yaml:5:5: rules[0]: unknown key "wehn" (did you mean "when"?); expected one of: role, group, allow, deny, subject, when, because']);
    });

    it('suggests a name only when one is close: a stray key and a missing key stay two problems', function () {
      const files = { ...shipped, 'extra.yaml': yaml('spaces:', '  lab:', '    classification: internal', '    read: { roles: [employe] }', '    colour: blue') };
      expect(problemsOf(files)).to.deep.equal([
        'extra.yaml:3:5: spaces.lab: "title" is missing',
        'extra.yaml:5:5: spaces.lab: unknown key "colour"; expected one of: title, description, classification, read, post, moderate',
      ]);
      const role = { ...shipped, 'extra.yaml': yaml('spaces:', '  lab:', '    title: Lab', '    classification: internal', '    read: { roles: [employe] }') };
      expect(problemsOf(role)).to.deep.equal(['extra.yaml:5:11: space lab read: unknown role "employe" (did you mean "employee"?); defined roles: employee, dpo, admin']);
    });

    it('refuses a `when` field that the subject does not have, and accepts the catalogue field', function () {
      const rule = (field: string) => ({ ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    allow: react', '    subject: Post', `    when: { ${field}: announcements }`) });
      expect(problemsOf(rule('topic'))).to.deep.equal([
        'extra.yaml:2:5: rule for Post: Post has no field "topic" to test; its fields are spaceId, classification, authorId, mentions, topics',
      ]);
      expect(rulesIn(built(rule('topics')), 'extra.yaml')[0]?.when).to.deep.equal({ topics: { op: 'eq', value: 'announcements' } });
    });

    it('refuses an empty `when: {}`', function () {
      const files = { ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    allow: react', '    subject: Post', '    when: {}') };
      expect(problemsOf(files)).to.deep.equal(["extra.yaml:5:11: rules[0].when: is empty; expected conditions on the subject's fields, at least one"]);
    });

    it('refuses a deny without `because`, and accepts it with one', function () {
      const deny = (...because: string[]) => ({ ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    deny: pin', '    subject: Post', ...because) });
      expect(problemsOf(deny())).to.deep.equal(['extra.yaml:2:5: rule for Post: a deny rule needs "because": the reason people are shown']);
      expect(rulesIn(built(deny('    because: Only moderators pin')), 'extra.yaml')[0]).to.include({ effect: 'deny', because: 'Only moderators pin' });
    });

    it('refuses an action the subject does not have, and an action that does not exist', function () {
      const rule = (action: string) => ({ ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', `    allow: ${action}`, '    subject: Comment') });
      expect(problemsOf(rule('pin'))).to.deep.equal([
        'extra.yaml:2:5: rule for Comment: Comment has no action "pin"; its actions are read, create, update, delete, markAnswer, export (or manage for all)',
      ]);
      expect(problemsOf(rule('fly'))).to.deep.equal([
        'extra.yaml:3:12: rules[0].allow: "fly" is not valid; expected an action (manage, accessRequest, create, delete, erase, explain, export, follow, inspect, markAnswer, moderate, pin, react, read, readHistory, report, run, update)',
      ]);
    });

    it('refuses $user.groups as a plain equality or `not`, and accepts it in oneOf', function () {
      const when = (condition: string) => ({ ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    allow: read', '    subject: Attachment', `    when: ${condition}`) });
      expect(problemsOf(when('{ authorId: $user.groups }'))).to.deep.equal(['extra.yaml:2:5: rule for Attachment: when.authorId: $user.groups is a list: use { oneOf: $user.groups }']);
      expect(problemsOf(when('{ participants: $user.groups }'))).to.deep.equal(['extra.yaml:2:5: rule for Attachment: when.participants: $user.groups is a list: use { oneOf: $user.groups }']);
      expect(problemsOf(when('{ authorId: { not: $user.groups } }'))).to.deep.equal([
        'extra.yaml:2:5: rule for Attachment: when.authorId: $user.groups is not a single value; use $user.id, or noneOf with $user.groups',
      ]);
      expect(rulesIn(built(when('{ authorId: { oneOf: $user.groups } }')), 'extra.yaml')[0]?.when).to.deep.equal({ authorId: { op: 'in', value: '$user.groups' } });
    });

    it('reports a repeated and a contradicting rule with both locations, in one file and across files', function () {
      const sameFile = yaml(
        'rules:',
        '  - role: employee',
        '    allow: react',
        '    subject: Post',
        '    when: { topics: announcements }',
        '  - role: employee',
        '    allow: react',
        '    subject: Post',
        '    when: { topics: announcements }',
        '  - role: employee',
        '    deny: react',
        '    subject: Post',
        '    when: { topics: announcements }',
        '    because: Announcements take no reactions',
      );
      expect(problemsOf({ ...shipped, 'extra.yaml': sameFile })).to.deep.equal([
        'extra.yaml:6:5: rule for Post: repeats the rule at extra.yaml:2 (role employee, react, same conditions)',
        'extra.yaml:10:5: rule for Post: contradicts the rule at extra.yaml:2 (role employee, react, same conditions)',
      ]);
      // rules.yaml:40 is the shipped "employee may read User"; zz-extra.yaml sorts after it.
      const otherFile = yaml('rules:', '  - role: employee', '    deny: read', '    subject: User', '    because: The directory is closed');
      expect(problemsOf({ ...shipped, 'zz-extra.yaml': otherFile })).to.deep.equal([
        'zz-extra.yaml:2:5: rule for User: contradicts the rule at rules.yaml:40 (role employee, read, same conditions)',
      ]);
    });

    it('does not call rules with different conditions duplicates', function () {
      const files = { ...shipped, 'extra.yaml': yaml('rules:', '  - role: employee', '    allow: react', '    subject: Post', '    when: { topics: announcements }', '  - role: employee', '    allow: react', '    subject: Post', '    when: { topics: events }') };
      expect(rulesIn(built(files), 'extra.yaml').map((r) => r.at.line)).to.deep.equal([2, 6]);
    });

    it('reports a role whose groups are all outside groups.known as one that can never be held', function () {
      // directory.yaml:31 is the dpo role.
      const files = shippedWith('directory.yaml', 'members: { groups: [GG-Datenschutz] }', 'members: { groups: [GG-Datenschtz, GG-DSB] }');
      expect(problemsOf(files)).to.deep.equal([
        'directory.yaml:31:3: role "dpo" can never be held: its groups GG-Datenschtz, GG-DSB are not in groups.known; known groups: GG-Alle, GG-Apollo, GG-Geschaeftsleitung, GG-Vertrieb, GG-Personal, GG-Datenschutz, GG-IT-Admins',
      ]);
    });

    it('reports a group allowed to post but not on the read list', function () {
      // spaces.yaml:26 is the sales post list.
      const files = shippedWith('spaces.yaml', 'post: { groups: [GG-Vertrieb] }', 'post: { groups: [GG-Vertrieb, GG-Alle] }');
      expect(problemsOf(files)).to.deep.equal(['spaces.yaml:26:11: space sales: group GG-Alle may post but is not in the read list; add it to read']);
    });

    it('names both files when a space is defined twice', function () {
      const files = { ...shipped, 'team-spaces.yaml': yaml('spaces:', '  sales:', '    title: Vertrieb Nord', '    classification: internal', '    read: { roles: [employee] }') };
      expect(problemsOf(files)).to.deep.equal(['team-spaces.yaml:2:3: space "sales" is already defined at spaces.yaml:22']);
    });
  });

  describe('version', function () {
    it('does not change when the files are reformatted, reordered within a mapping or lose their comments', function () {
      const reformatted: Record<string, string> = {};
      for (const [name, text] of Object.entries(shipped)) {
        // Flow style everywhere, no comments: the same content in a very different text.
        reformatted[name] = name.endsWith('.yaml') ? stringify(parse(text), { collectionStyle: 'flow' }) : text;
      }
      reformatted['guideline.yaml'] = yaml('guideline:', '  file: usage-guideline.md   # keys in another order', "  title: 'Nutzungsrichtlinie Flurfunk'", '  version: "2026-1"');
      expect(reformatted['limits.yaml']).to.not.equal(shipped['limits.yaml']);
      expect(built(reformatted).version).to.equal(built(shipped).version);
    });

    it('changes when the content changes: a value, a rule, or the guideline text', function () {
      const versions = [
        built(shipped).version,
        built(shippedWith('limits.yaml', 'postLength: 5000', 'postLength: 5001')).version,
        built(shippedWith('rules.yaml', '    allow: [read, explain]\n', '    allow: read\n')).version,
        built({ ...shipped, 'usage-guideline.md': `${shipped['usage-guideline.md']}\nEin neuer Absatz.\n` }).version,
      ];
      expect(new Set(versions).size).to.equal(versions.length);
    });
  });
});
