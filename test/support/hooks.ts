// Mocha root hooks: say which database the run uses, and clean up every world at the end.
import { cleanUpWorlds, databaseKind } from './world.js';

export const mochaHooks = {
  beforeAll(this: Mocha.Context) {
    process.stderr.write(`\n  database under test: ${databaseKind}\n`);
  },
  async afterAll() {
    await cleanUpWorlds();
  },
};
