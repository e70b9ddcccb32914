// What changes for whom between two policy sets, as the admin reads it before deploying:
// diff-a is a frozen copy of the shipped set, diff-b the same with six changes (see its README.md).
import path from 'node:path';
import { expect } from 'chai';
import { buildPolicySet } from '../../src/policy/build-policy-set.js';
import { diffPolicies, formatDiff } from '../../src/policy/diff.js';
import type { PolicySet } from '../../src/policy/model.js';
import { readPolicyFiles } from '../../src/policy/policy-folder.js';
import { formatProblem } from '../../src/policy/yaml-source.js';
import { expectedDiffAToB } from '../fixtures/policies/diff-expected.js';
import { projectRoot } from '../support/processes.js';

function setOf(folder: string): PolicySet {
  const result = buildPolicySet(readPolicyFiles(path.join(projectRoot, folder)));
  if (!result.ok) throw new Error(`${folder} is invalid:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.set;
}

describe('policy diff', function () {
  const a = setOf('test/fixtures/policies/diff-a');
  const b = setOf('test/fixtures/policies/diff-b');

  it('prints every gain, loss and changed value from A to B', function () {
    expect(formatDiff(diffPolicies(a, b))).to.equal(expectedDiffAToB(a.version, b.version));
  });

  it('counts the + and - lines: 5 gained, 6 lost', function () {
    const diff = diffPolicies(a, b);
    expect({ from: diff.from, to: diff.to, gains: diff.gains, losses: diff.losses }).to.deep.equal({ from: a.version, to: b.version, gains: 5, losses: 6 });
    const lines = diff.sections.flatMap((s) => s.lines);
    expect(lines.filter((l) => l.startsWith('+ '))).to.have.length(5);
    expect(lines.filter((l) => l.startsWith('- '))).to.have.length(6);
  });

  it('reverses: what A gains over B is what B loses', function () {
    const back = diffPolicies(b, a);
    expect([back.gains, back.losses]).to.deep.equal([6, 5]);
    expect(formatDiff(back)).to.include('role dpo\n  + allow erase User').and.include('postLength: 8000 → 5000').and.include('version: 2026-2 → 2026-1');
  });

  it('prints "no differences" for identical sets, and for the same content built twice', function () {
    expect(formatDiff(diffPolicies(a, a))).to.equal(`policy ${a.version.slice(0, 12)} → ${a.version.slice(0, 12)}: 0 gained, 0 lost\nno differences in access, limits, retention or guideline`);
    const again = setOf('test/fixtures/policies/diff-a');
    expect(again).to.not.equal(a);
    expect(diffPolicies(a, again)).to.deep.equal({ from: a.version, to: a.version, sections: [], gains: 0, losses: 0 });
  });
});
