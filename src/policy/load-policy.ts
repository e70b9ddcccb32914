// Loads a policy folder into a compiled policy that passed its own tests, or explains, with
// located messages, why it cannot be used. The CLI and the server's activation share it.
import path from 'node:path';
import { PolicyInvalidError } from '../errors.js';
import { buildPolicySet } from './build-policy-set.js';
import { CompiledPolicy } from './compile.js';
import { displayPrefix, readPolicyFiles, readPolicyTestFiles } from './policy-folder.js';
import { runPolicyTests, type TestRun } from './policy-tests.js';
import { formatProblem } from './yaml-source.js';

export interface LoadedPolicy {
  readonly policy: CompiledPolicy;
  readonly tests: TestRun;
  readonly testFiles: Readonly<Record<string, string>>;
}

export function readFolder(dir: string): Record<string, string> {
  try {
    return readPolicyFiles(dir);
  } catch (err) {
    throw new PolicyInvalidError([`${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (err as Error).message}`], 'The policy folder cannot be read');
  }
}

/** Compiles the files (from a folder or an event); throws PolicyInvalidError with every problem. */
export function compileFiles(files: Readonly<Record<string, string>>, prefix = ''): CompiledPolicy {
  const built = buildPolicySet(files, prefix);
  if (!built.ok) throw new PolicyInvalidError(built.problems.map(formatProblem));
  return new CompiledPolicy(built.set);
}

/** The folder's policy with its tests run; failing tests are reported, not thrown. */
export function loadPolicyFolder(dir: string): LoadedPolicy {
  const prefix = displayPrefix(path.resolve(dir));
  const policy = compileFiles(readFolder(dir), prefix);
  const testFiles = readPolicyTestFiles(dir);
  return { policy, testFiles, tests: runPolicyTests(policy, testFiles, `${prefix}tests/`) };
}

/** Why a test run does not let a policy become active, one located line each. */
export function testFailures(run: TestRun): string[] {
  return [
    ...run.problems.map(formatProblem),
    ...run.results.filter((r) => !r.passed).map((r) => `${r.case.at.file}:${r.case.at.line}:${r.case.at.column}: test "${r.case.name}" expected ${r.case.expect}, got: ${r.detail.replace(/\n\s*/g, '; ')}`),
  ];
}
