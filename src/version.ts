// Flurfunk's version and the folder it is installed in, read once from package.json (found by
// walking up, as this module runs from src/ under tsx and from dist/src/ when built). Files
// that ship beside the code (audit/event-catalogue.yaml) are found from the folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(): { dir: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'flurfunk' && pkg.version) return { dir, version: pkg.version };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json of flurfunk not found');
    dir = parent;
  }
}

const found = findPackage();

export const version = found.version;
/** The folder holding package.json, policies/, audit/ … */
export const packageRoot = found.dir;
