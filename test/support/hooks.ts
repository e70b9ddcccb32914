// Mocha root hooks: say which database the run uses, build the web UI from its current
// source (so browser and HTTP tests never see a stale bundle), and clean up every world at
// the end.
import { build } from 'vite';
import { cleanUpWorlds, databaseKind } from './world.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    process.stderr.write(`\n  database under test: ${databaseKind}\n`);
    await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
  },
  async afterAll() {
    await cleanUpWorlds();
  },
};
