// A pid file that keeps a second process away from the embedded database's data folder:
// PGlite has no locking of its own, and two writers would corrupt the folder. A lock left
// behind by a crashed process (its pid no longer alive) is taken over, like postmaster.pid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirLockedError } from '../errors.js';

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'flurfunk.pid');
  const me = `${process.pid}@${os.hostname()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx', mode: 0o600 });
      return {
        release() {
          try {
            if (fs.readFileSync(file, 'utf8') === me) fs.unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: string;
      try {
        holder = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // Removed between our attempts: try again.
      }
      const [pidText, host] = holder.split('@');
      const pid = Number(pidText);
      const stale = host === os.hostname() && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
      if (!stale) throw new DataDirLockedError(dir, `process ${holder}`);
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(dir, 'another process starting at the same time');
}
