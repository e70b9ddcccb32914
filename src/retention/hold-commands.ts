// Placing and lifting legal holds: decide with the active policy (LegalHold create / delete),
// append LegalHoldPlaced / LegalHoldLifted on the hold's stream with the reason and case
// reference sealed, wait for the read model, answer the hold. Placing appends inside the
// barrier's exclusive lock (hold-barrier.ts), so no shred is between its check and its end
// while the hold comes into force.
import crypto from 'node:crypto';
import { ConflictError, ValidationError, WrongExpectedVersionError } from '../errors.js';
import type { JsonObject } from '../events/types.js';
import { asSubject } from '../policy/compile.js';
import { refusal } from '../policy/refusal.js';
import { decidingPolicy, type Caller, type CommandDeps } from '../posts/commands.js';
import type { HoldBarrier } from './hold-barrier.js';
import { holdStream, holdRow, holdView, requireHoldKeeper, type HoldView } from './hold-queries.js';
import { holdRequest, liftRequest } from './hold-request.js';

export interface HoldDeps extends CommandDeps {
  readonly barrier: HoldBarrier;
}

export async function placeHold(deps: HoldDeps, caller: Caller, body: unknown): Promise<HoldView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireHoldKeeper(ability, 'create');
  const request = holdRequest(body);
  const unknown = (request.spaces ?? []).filter((s) => !policy.set.spaces.has(s));
  if (unknown.length > 0) throw new ValidationError(`unknown space ${unknown.map((s) => `"${s}"`).join(', ')}; the policy's spaces are ${[...policy.set.spaces.keys()].join(', ')}`);
  const subject = asSubject('LegalHold', { placedBy: caller.principal.id });
  if (!ability.can('create', subject as never)) throw refusal(ability, 'create', subject, 'The policy does not let you place legal holds.');
  const holdId = crypto.randomUUID();
  const data: JsonObject = {
    holdId,
    ...(request.people ? { people: [...request.people] } : {}),
    ...(request.spaces ? { spaces: [...request.spaces] } : {}),
    ...(request.from ? { from: request.from.toISOString() } : {}),
    ...(request.to ? { to: request.to.toISOString() } : {}),
  };
  const result = await deps.barrier.exclusive(() =>
    deps.store.append(holdStream(holdId), [{ type: 'LegalHoldPlaced', data, personal: { reason: request.reason, caseReference: request.caseReference } }], {
      expectedVersion: 0,
      actor: caller.principal.id,
      correlationId: caller.correlationId,
      policyVersion: policy.version,
    }),
  );
  // The hold is in force from its commit; the read model is for the answer and the lists.
  await deps.projector.waitFor(result.events.at(-1)!.position);
  return holdView(deps, await holdRow(deps.knex, ability, holdId));
}

export async function liftHold(deps: HoldDeps, caller: Caller, id: string, body: unknown): Promise<HoldView> {
  const { policy, ability } = decidingPolicy(deps, caller);
  requireHoldKeeper(ability, 'delete');
  const row = await holdRow(deps.knex, ability, id);
  const { reason } = liftRequest(body);
  const subject = asSubject('LegalHold', { placedBy: row.placed_by });
  if (!ability.can('delete', subject as never)) throw refusal(ability, 'delete', subject, 'The policy does not let you lift this legal hold.', row.id);
  const events = await deps.store.readStream(holdStream(row.id));
  if (events.some((e) => e.type === 'LegalHoldLifted')) throw new ConflictError('The hold was lifted already.');
  let position: number;
  try {
    const result = await deps.store.append(holdStream(row.id), [{ type: 'LegalHoldLifted', data: { holdId: row.id }, personal: { reason } }], {
      expectedVersion: events.length,
      actor: caller.principal.id,
      correlationId: caller.correlationId,
      policyVersion: policy.version,
    });
    position = result.events.at(-1)!.position;
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) throw new ConflictError('The hold was lifted already.');
    throw err;
  }
  await deps.projector.waitFor(position);
  return holdView(deps, await holdRow(deps.knex, ability, row.id));
}
