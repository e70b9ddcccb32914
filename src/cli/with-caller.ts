// For commands that act on a person's authority (--as) through the same commands as the API:
// the runtime with the active policy, the caller as that policy sees them, and a projector
// running (caught up first) so read models are current also when no server runs.
import { pino } from 'pino';
import { loadConfig } from '../config/config.js';
import { UsageError } from '../errors.js';
import { Projector } from '../events/projector.js';
import { knownUsers } from '../identity/user-directory.js';
import { createLogger } from '../log/logger.js';
import type { Caller } from '../posts/commands.js';
import { projections } from '../read-models.js';
import { startRuntime, type Runtime } from '../runtime.js';

export async function withCaller<T>(as: string | undefined, fn: (runtime: Runtime, projector: Projector, caller: Caller | undefined) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Synchronous: a command's last lines (a failure, progress of a long run) must be out before it exits or is killed.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination({ dest: 1, sync: true }));
  const runtime = await startRuntime(config, logger, { migrate: false, policy: { watch: false } });
  let projector: Projector | undefined;
  try {
    let caller: Caller | undefined;
    if (as !== undefined) {
      const person = (await knownUsers(runtime.db.knex)).find((u) => u.id === as);
      if (!person) throw new UsageError(`--as ${as}: no such person has signed in to Flurfunk`);
      const policy = runtime.policy!.current;
      caller = { principal: policy.principal({ id: person.id, groups: person.groups, name: person.name }), correlationId: undefined };
    }
    projector = await Projector.start(runtime.db.knex, runtime.store, projections, logger);
    await projector.waitFor((await runtime.store.head()).position);
    return await fn(runtime, projector, caller);
  } finally {
    await projector?.stop();
    await runtime.close();
  }
}
