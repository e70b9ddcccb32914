// Reads a policy folder: the policy files and the texts they refer to, and the test files
// under tests/. Only reading here; building and checking is build-policy-set.ts.
import fs from 'node:fs';
import path from 'node:path';

const POLICY_FILE = /\.(ya?ml|md)$/i;
const TEST_FILE = /\.ya?ml$/i;

function readTexts(dir: string, pattern: RegExp): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && pattern.test(entry.name) && !entry.name.startsWith('.')) files[entry.name] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return files;
}

/** The policy files of `dir` (name → text); README.md is documentation, not policy. */
export function readPolicyFiles(dir: string): Record<string, string> {
  const files = readTexts(dir, POLICY_FILE);
  delete files['README.md'];
  return files;
}

/** The test files in `dir`/tests (name → text), or none. */
export function readPolicyTestFiles(dir: string): Record<string, string> {
  const testsDir = path.join(dir, 'tests');
  return fs.existsSync(testsDir) ? readTexts(testsDir, TEST_FILE) : {};
}

/** How a folder is named in messages: relative to the working folder when inside it. */
export function displayPrefix(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  const shown = rel === '' ? '' : rel.startsWith('..') ? dir : rel;
  return shown === '' ? '' : `${shown.replace(/\/+$/, '')}/`;
}
