// How commands record a decision: append the events to one stream with who asked,
// the request id and the policy version that allowed it, then wait until the read models have
// them, so the caller reads its own write.
import type { CompiledPolicy } from '../policy/compile.js';
import type { ExpectedVersion, NewEvent, RecordedEvent } from '../events/types.js';
import type { Caller, CommandDeps } from './commands.js';

export async function record(deps: CommandDeps, caller: Caller, policy: CompiledPolicy, streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion = 'any'): Promise<readonly RecordedEvent[]> {
  const result = await deps.store.append(streamId, events, {
    expectedVersion,
    actor: caller.principal.id,
    correlationId: caller.correlationId,
    policyVersion: policy.version,
  });
  await deps.projector.waitFor(result.events[result.events.length - 1]!.position);
  return result.events;
}

/** A string in the shape of the ids Flurfunk makes (UUIDs); others name nothing. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}
