// Reads and writes key files with owner-only permissions; creating is atomic (write to a
// temporary name, then link) so two processes starting at once cannot both create a key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Writes `content` to `file` unless it exists; returns whichever content is in the file afterwards. */
export function createExclusive(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return content;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
