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

  it('counts the + and - lines: 1 gained, 8 lost', function () {
    const diff = diffPolicies(a, b);
    expect({ from: diff.from, to: diff.to, gains: diff.gains, losses: diff.losses }).to.deep.equal({ from: a.version, to: b.version, gains: 1, losses: 8 });
    const lines = diff.sections.flatMap((s) => s.lines);
    expect(lines.filter((l) => l.startsWith('+ '))).to.have.length(1);
    expect(lines.filter((l) => l.startsWith('- '))).to.have.length(8);
  });

  it('a classification change is listed under spaces, not as a gain and a loss of the same grant', function () {
    const text = formatDiff(diffPolicies(a, b));
    expect(text).to.include('spaces\n  sales.classification: internal → confidential');
    expect(text).to.not.match(/[+-] (read|post|moderate) in space sales \(/);
    // GG-Vertrieb reads sales before and after: nothing changes for them.
    expect(text).to.not.include('group GG-Vertrieb');
  });

  it('shows what the confidentiality guard takes from rules: own-post edits and DPO exports no longer reach sales', function () {
    const sections = new Map(diffPolicies(a, b).sections.map((s) => [s.title, s.lines]));
    expect(sections.get('role employee')).to.deep.equal(['- allow rules reach content in space sales']);
    expect(sections.get('role dpo')).to.include('- allow rules reach content in space sales');
    // admin's rules allow nothing on space content, so the guard takes nothing from them;
    // GG-Apollo joins the read list, so the guard does not close sales to it.
    expect(sections.has('role admin')).to.equal(false);
    expect(sections.get('group GG-Apollo')).to.deep.equal(['+ read in space sales']);
  });

  it('reverses: what A gains over B is what B loses', function () {
    const back = diffPolicies(b, a);
    expect([back.gains, back.losses]).to.deep.equal([8, 1]);
    expect(formatDiff(back)).to.include('role dpo\n  + allow erase User').and.include('postLength: 8000 → 5000').and.include('version: 2026-2 → 2026-1');
  });

  it('prints "no differences" for identical sets, and for the same content built twice', function () {
    expect(formatDiff(diffPolicies(a, a))).to.equal(`policy ${a.version.slice(0, 12)} → ${a.version.slice(0, 12)}: 0 gained, 0 lost\nno differences in access, limits, retention or guideline`);
    const again = setOf('test/fixtures/policies/diff-a');
    expect(again).to.not.equal(a);
    expect(diffPolicies(a, again)).to.deep.equal({ from: a.version, to: a.version, sections: [], gains: 0, losses: 0 });
  });
});
