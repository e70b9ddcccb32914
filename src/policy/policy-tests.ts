// Runs the cases in policies/tests/*.yaml against a policy: who (id and groups as the
// identity provider would send them), action, subject with fields, expected allow or deny.
import { actionsOf, fieldsOf, type SubjectType } from './catalogue.js';
import type { CompiledPolicy } from './compile.js';
import { decide, formatDecision, type Decision } from './explain.js';
import { schemaProblems, validatePolicyTestFile } from './schema-errors.js';
import { YamlSource, type Location, type PolicyProblem } from './yaml-source.js';

export interface TestCase {
  readonly name: string;
  readonly user: { readonly id: string; readonly groups: readonly string[] };
  readonly action: string;
  readonly subject: SubjectType;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly expect: 'allow' | 'deny';
  readonly because: string | undefined;
  readonly at: Location;
}

export interface CaseResult {
  readonly case: TestCase;
  readonly passed: boolean;
  readonly decision: Decision;
  /** What happened, with the deciding rule: the admin's first clue when a case fails. */
  readonly detail: string;
}

export interface TestRun {
  readonly problems: readonly PolicyProblem[];
  readonly results: readonly CaseResult[];
  readonly passed: boolean;
}

/** Parses test files; problems are located like policy-file problems. */
export function parseTestFiles(files: Readonly<Record<string, string>>, prefix = ''): { cases: TestCase[]; problems: PolicyProblem[] } {
  const cases: TestCase[] = [];
  const problems: PolicyProblem[] = [];
  for (const name of Object.keys(files).sort()) {
    const parsed = YamlSource.parse(prefix + name, files[name]!);
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      continue;
    }
    const found = schemaProblems(validatePolicyTestFile, parsed.value, parsed.source);
    problems.push(...found);
    if (found.length > 0) continue;
    const raw = parsed.value as { tests: Omit<TestCase, 'at' | 'fields' | 'because'>[] & { fields?: Record<string, unknown>; because?: string }[] };
    raw.tests.forEach((t, i) => {
      const c = t as unknown as TestCase;
      const at = parsed.source.locate(['tests', i]);
      if (!actionsOf(c.subject).includes(c.action)) {
        problems.push({ ...at, message: `test "${c.name}": ${c.subject} has no action "${c.action}"; its actions are ${actionsOf(c.subject).join(', ')}` });
        return;
      }
      const unknown = Object.keys(c.fields ?? {}).filter((f) => !Object.hasOwn(fieldsOf(c.subject), f));
      if (unknown.length > 0) {
        problems.push({ ...at, message: `test "${c.name}": ${c.subject} has no field ${unknown.join(', ')}; its fields are ${Object.keys(fieldsOf(c.subject)).join(', ')}` });
        return;
      }
      cases.push({ ...c, fields: c.fields ?? {}, because: c.because, at });
    });
  }
  return { cases, problems };
}

export function runCases(policy: CompiledPolicy, cases: readonly TestCase[]): CaseResult[] {
  return cases.map((c) => {
    const principal = policy.principal(c.user);
    const d = decide(policy, principal, c.action, c.subject, c.fields);
    const outcome = d.allowed ? 'allow' : 'deny';
    let passed = outcome === c.expect;
    let detail = formatDecision(d, principal, c.action, c.subject);
    if (passed && c.because !== undefined && !(d.reason ?? '').includes(c.because)) {
      passed = false;
      detail += `\n  expected the reason to contain: ${c.because}`;
    }
    return { case: c, passed, decision: d, detail };
  });
}

export function runPolicyTests(policy: CompiledPolicy, files: Readonly<Record<string, string>>, prefix = ''): TestRun {
  const { cases, problems } = parseTestFiles(files, prefix);
  const results = runCases(policy, cases);
  return { problems, results, passed: problems.length === 0 && results.every((r) => r.passed) };
}
