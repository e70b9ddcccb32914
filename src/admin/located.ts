// Policy problems arrive as located lines ("dir/spaces.yaml:14:7: message"); the admin view
// takes them apart so the page can point at file and line, named as in the policy folder.
import path from 'node:path';
import { displayPrefix } from '../policy/policy-folder.js';

export interface LocatedProblem {
  /** The file relative to the policy folder; null when the problem names no place. */
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly message: string;
  /** The whole line as the server logged it. */
  readonly text: string;
}

const LOCATED = /^(.+?):(\d+):(\d+): ([\s\S]*)$/;

export function locate(text: string, policyDir: string): LocatedProblem {
  const m = LOCATED.exec(text);
  if (!m) return { file: null, line: null, column: null, message: text, text };
  return { file: relativeToFolder(m[1]!, policyDir), line: Number(m[2]), column: Number(m[3]), message: m[4]!, text };
}

/** A file named as the loader names it (relative to the working folder, or absolute) → as in the folder. */
export function relativeToFolder(file: string, policyDir: string): string {
  const prefix = displayPrefix(path.resolve(policyDir));
  if (prefix !== '' && file.startsWith(prefix)) return file.slice(prefix.length);
  const absolute = `${path.resolve(policyDir)}${path.sep}`;
  return file.startsWith(absolute) ? file.slice(absolute.length) : file;
}
