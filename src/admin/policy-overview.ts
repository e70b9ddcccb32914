// What an administrator sees of the active policy: its version and when it became active, its
// files, the last set the server refused (with located problems) while this one kept deciding,
// the results of the set's own test cases, and the words the explain form may use.
import crypto from 'node:crypto';
import { knownUsers } from '../identity/user-directory.js';
import { SUBJECT_TYPES, SUBJECTS } from '../policy/catalogue.js';
import type { CompiledPolicy } from '../policy/compile.js';
import { readPolicyTestFiles } from '../policy/policy-folder.js';
import { runPolicyTests, type TestRun } from '../policy/policy-tests.js';
import { formatProblem } from '../policy/yaml-source.js';
import type { Caller } from '../posts/commands.js';
import { locate, type LocatedProblem } from './located.js';
import { policyFor, type AdminDeps } from './policy-access.js';
import { ruleAt, type RuleView } from './rule-view.js';

export interface TestCaseView {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly expected: 'allow' | 'deny';
  readonly actual: 'allow' | 'deny';
  readonly ok: boolean;
  readonly rule: RuleView | null;
  readonly reason: string | null;
  readonly detail: string;
}

export interface PolicyOverview {
  readonly version: string;
  readonly activatedAt: string;
  readonly files: readonly string[];
  readonly lastRejected: { readonly at: string; readonly version: string | null; readonly problems: readonly LocatedProblem[] } | null;
  readonly tests: {
    /** "activation": the cases the folder held when this set was activated; "folder": the folder's cases now. */
    readonly source: 'activation' | 'folder';
    readonly passed: number;
    readonly failed: number;
    readonly problems: readonly LocatedProblem[];
    /** Failures first, then in file order. */
    readonly cases: readonly TestCaseView[];
  };
  readonly vocabulary: {
    readonly subjects: readonly { readonly name: string; readonly description: string; readonly actions: readonly string[]; readonly fields: readonly { readonly name: string; readonly kind: 'text' | 'list' }[] }[];
    readonly roles: readonly { readonly name: string; readonly description: string | null }[];
    readonly spaces: readonly { readonly id: string; readonly title: string; readonly classification: string }[];
    /** People known to Flurfunk (they signed in once): whom the explain form can name. */
    readonly people: readonly { readonly id: string; readonly name: string | null }[];
  };
}

/** Test runs per compiled set and test files: a set's results change only with either. */
const runs = new WeakMap<CompiledPolicy, { readonly key: string; readonly run: TestRun }>();

function testRunOf(policy: CompiledPolicy, files: Readonly<Record<string, string>>): TestRun {
  const key = crypto.createHash('sha256').update(JSON.stringify(Object.entries(files).sort())).digest('hex');
  const cached = runs.get(policy);
  if (cached?.key === key) return cached.run;
  const run = runPolicyTests(policy, files, 'tests/');
  runs.set(policy, { key, run });
  return run;
}

function folderTestFiles(dir: string): Record<string, string> {
  try {
    return readPolicyTestFiles(dir);
  } catch {
    return {}; // the folder is gone or unreadable: no cases to show, the set still decides
  }
}

export async function policyOverview(deps: AdminDeps, caller: Caller): Promise<PolicyOverview> {
  const policy = policyFor(deps, caller, 'read');
  const remembered = deps.policy.testFiles;
  const run = testRunOf(policy, remembered ?? folderTestFiles(deps.policyDir));
  const cases = run.results.map(
    (r): TestCaseView => ({
      name: r.case.name,
      file: r.case.at.file,
      line: r.case.at.line,
      expected: r.case.expect,
      actual: r.decision.allowed ? 'allow' : 'deny',
      ok: r.passed,
      rule: ruleAt(r.decision),
      reason: r.decision.reason ?? null,
      detail: r.detail,
    }),
  );
  const rejected = deps.policy.lastRejected;
  return {
    version: policy.version,
    activatedAt: deps.policy.since.toISOString(),
    files: Object.keys(policy.set.files).sort(),
    lastRejected: rejected ? { at: rejected.at.toISOString(), version: rejected.version, problems: rejected.problems.map((p) => locate(p, deps.policyDir)) } : null,
    tests: {
      source: remembered ? 'activation' : 'folder',
      passed: cases.filter((c) => c.ok).length,
      failed: cases.filter((c) => !c.ok).length,
      problems: run.problems.map((p) => locate(formatProblem(p), deps.policyDir)),
      cases: [...cases.filter((c) => !c.ok), ...cases.filter((c) => c.ok)],
    },
    vocabulary: {
      subjects: SUBJECT_TYPES.map((name) => ({
        name,
        description: SUBJECTS[name].description,
        actions: [...SUBJECTS[name].actions],
        fields: Object.entries(SUBJECTS[name].fields).map(([field, kind]) => ({ name: field, kind: kind })),
      })),
      roles: [...policy.set.roles.values()].map((r) => ({ name: r.name, description: r.description ?? null })),
      spaces: [...policy.set.spaces.values()].map((s) => ({ id: s.id, title: s.title, classification: s.classification })),
      people: (await knownUsers(deps.knex)).map((u) => ({ id: u.id, name: u.name ?? null })),
    },
  };
}
