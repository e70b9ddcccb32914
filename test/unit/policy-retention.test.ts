// The retention rules as `policy check` sees them: rules that name nothing, repeat each other or
// can never apply are refused; rules that quietly give way to another are warnings. Each test
// replaces the shipped retention.yaml, so line numbers can be counted off the test's lines;
// the shipped spaces are all-company and sales (internal), project-apollo (confidential), hr (secret).
import path from 'node:path';
import { expect } from 'chai';
import { buildPolicySet } from '../../src/policy/build-policy-set.js';
import { readPolicyFiles } from '../../src/policy/policy-folder.js';
import { formatProblem } from '../../src/policy/yaml-source.js';
import { projectRoot } from '../support/processes.js';

const shipped = readPolicyFiles(path.join(projectRoot, 'policies'));

/** The shipped set with retention.yaml replaced by these lines (line 1 is `retention:`). */
const withRetention = (...lines: string[]) => ({ ...shipped, 'retention.yaml': `${['retention:', ...lines].join('\n')}\n` });

/** The set's warnings; fails when the set is refused. */
function warningsOf(files: Readonly<Record<string, string>>): readonly string[] {
  const result = buildPolicySet(files);
  if (!result.ok) throw new Error(`expected a valid set, got:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.set.warnings;
}

/** The set's problems as `file:line:column: message`; fails when the set is accepted. */
function problemsOf(files: Readonly<Record<string, string>>): string[] {
  const result = buildPolicySet(files);
  if (result.ok) throw new Error('expected the set to be refused, but it was accepted');
  return result.problems.map(formatProblem);
}

describe('policy retention checks', function () {
  describe('problems', function () {
    it('refuses a rule naming an unknown space, suggesting a close one', function () {
      const files = withRetention('  - { subject: Post, keep: P2Y }', '  - { subject: Post, space: hrr, keep: P6M }');
      expect(problemsOf(files)).to.deep.equal(['retention.yaml:3:5: retention for Post: unknown space "hrr" (did you mean "hr"?)']);
    });

    it('refuses two rules for the same subject, space and classification, and accepts them for different subjects', function () {
      const twice = withRetention('  - { subject: Post, space: hr, keep: P6M }', '  - { subject: Post, space: hr, keep: P3M }');
      expect(problemsOf(twice)).to.deep.equal(['retention.yaml:3:5: retention for Post: the rule at retention.yaml:2 covers the same items (keep P6M); keep one']);
      expect(warningsOf(withRetention('  - { subject: Post, space: hr, keep: P6M }', '  - { subject: Attachment, space: hr, keep: P6M }'))).to.deep.equal([]);
    });

    it('refuses a rule whose classification contradicts its space, and accepts one that agrees', function () {
      const rule = (classification: string) => withRetention('  - { subject: Post, keep: P2Y }', '  - subject: Post', '    space: hr', `    classification: ${classification}`, '    keep: P6M');
      expect(problemsOf(rule('internal'))).to.deep.equal(['retention.yaml:3:5: retention for Post: never applies: space hr is secret, not internal']);
      expect(warningsOf(rule('secret'))).to.deep.equal([]);
    });
  });

  describe('warnings', function () {
    it('a space rule overriding a classification rule there: names both rules, their keeps and the space', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Post, space: hr, keep: P6M }',
        '  - { subject: Post, classification: secret, keep: P1Y }',
      );
      expect(warningsOf(files)).to.deep.equal(['retention.yaml:3:5: retention for Post: space hr (keep P6M) overrides the rule at retention.yaml:4 (classification secret, keep P1Y) for space hr']);
    });

    it('a space rule with its classification overrides both the space rule and the classification rule', function () {
      const files = withRetention(
        '  - { subject: Attachment, space: hr, classification: secret, keep: P3M }',
        '  - { subject: Attachment, space: hr, keep: P6M }',
        '  - { subject: Attachment, classification: secret, keep: P1Y }',
      );
      expect(warningsOf(files)).to.deep.equal([
        'retention.yaml:2:5: retention for Attachment: space hr, classification secret (keep P3M) overrides the rule at retention.yaml:3 (space hr, keep P6M) for space hr',
        'retention.yaml:2:5: retention for Attachment: space hr, classification secret (keep P3M) overrides the rule at retention.yaml:4 (classification secret, keep P1Y) for space hr',
      ]);
    });

    it('no overlap warning where the classification rule reaches other spaces only, for another subject, or against the rule naming only the subject', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Post, space: hr, keep: P6M }',
        '  - { subject: Post, classification: confidential, keep: P1Y }',
        '  - { subject: Attachment, classification: secret, keep: P1Y }',
      );
      expect(warningsOf(files)).to.deep.equal([]);
    });

    it('a Comment rule shorter than the Post rule: comments are kept as long as their thread, naming the spaces and the period', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Comment, keep: P1Y }',
        '  - { subject: Post, space: hr, keep: P6M }',
      );
      expect(warningsOf(files)).to.deep.equal([
        'retention.yaml:3:5: retention for Comment: keep P1Y, but comments in spaces all-company, project-apollo, sales are kept as long as their thread: P2Y (the Post rule at retention.yaml:2)',
        'retention.yaml:4:5: retention for Post: keep P6M, but posts with comments in space hr are kept as long as their comments: P1Y (the Comment rule at retention.yaml:3)',
      ]);
    });

    it('a Comment rule where no Post rule applies: comments are kept as long as their thread, until erased', function () {
      const files = withRetention('  - { subject: Post, space: hr, keep: P6M }', '  - { subject: Comment, keep: P1Y }');
      expect(warningsOf(files)).to.deep.equal([
        'retention.yaml:3:5: retention for Comment: keep P1Y, but comments in spaces all-company, project-apollo, sales are kept as long as their thread: until erased (no Post rule applies there)',
        'retention.yaml:2:5: retention for Post: keep P6M, but posts with comments in space hr are kept as long as their comments: P1Y (the Comment rule at retention.yaml:3)',
      ]);
    });

    it('no Comment warning where the Comment rule is as long as the Post rule or longer; then a shorter Post rule is what gets stretched', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Comment, keep: P24M }',
        '  - { subject: Post, space: hr, keep: P6M }',
      );
      expect(warningsOf(files)).to.deep.equal([
        'retention.yaml:4:5: retention for Post: keep P6M, but posts with comments in space hr are kept as long as their comments: P24M (the Comment rule at retention.yaml:3)',
      ]);
    });

    it('no warning where Post and Comment rules are the same length for every space', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Comment, keep: P24M }',
        '  - { subject: Post, space: hr, keep: P6M }',
        '  - { subject: Comment, space: hr, keep: P6M }',
      );
      expect(warningsOf(files)).to.deep.equal([]);
    });

    it('an AuditLog rule shorter than the longest content rule, naming that rule', function () {
      const files = withRetention(
        '  - { subject: Post, keep: P2Y }',
        '  - { subject: Attachment, keep: P3Y }',
        '  - { subject: AuditLog, keep: P1Y }',
      );
      expect(warningsOf(files)).to.deep.equal([
        'retention.yaml:4:5: retention for AuditLog: keep P1Y is shorter than the rule for Attachment at retention.yaml:3 (keep P3Y): sealed audit records would expire before the content they are about',
      ]);
    });

    it('no AuditLog warning when it keeps as long as the longest content rule or longer', function () {
      const rules = ['  - { subject: Post, keep: P2Y }', '  - { subject: Attachment, keep: P3Y }'];
      expect(warningsOf(withRetention(...rules, '  - { subject: AuditLog, keep: P36M }'))).to.deep.equal([]);
      expect(warningsOf(withRetention(...rules, '  - { subject: AuditLog, keep: P10Y }'))).to.deep.equal([]);
    });
  });
});
