// `flurfunk hold place|list|lift`: legal holds from the command line, on the authority of a
// person the policy lets manage them (--as), through the same commands as the API — the same
// checks, events and barrier against a running retention sweep (on PostgreSQL its advisory lock
// reaches servers in other processes). The CLI runs the projector while it works, so the
// `legal_holds` read model it answers from is current also when no server is running.
import { UsageError, ValidationError } from '../errors.js';
import { withCaller } from './with-caller.js';
import type { Caller } from '../posts/commands.js';
import { holdBarrier } from '../retention/hold-barrier.js';
import { liftHold, placeHold, type HoldDeps } from '../retention/hold-commands.js';
import { listHolds, type HoldView } from '../retention/hold-queries.js';

/** The API's field names as the CLI's options, so a validation message names what was typed. */
const OPTION_OF: Record<string, string> = { people: '--person', spaces: '--space', from: '--from', to: '--to', reason: '--reason', caseReference: '--case' };

function asUsage(err: unknown): never {
  if (err instanceof ValidationError) throw new UsageError(err.message.replace(/"(people|spaces|from|to|reason|caseReference)"/g, (_m, field: string) => OPTION_OF[field]!));
  throw err;
}

async function withHolds<T>(as: string | undefined, fn: (deps: HoldDeps, caller: Caller | undefined) => Promise<T>): Promise<T> {
  return withCaller(as, (runtime, projector, caller) => fn({ knex: runtime.db.knex, store: runtime.store, policy: runtime.policy!, projector, barrier: holdBarrier(runtime.db) }, caller));
}

function describe(hold: HoldView): string {
  const criteria = [hold.people && `people ${hold.people.join(', ')}`, hold.spaces && `spaces ${hold.spaces.join(', ')}`, hold.from && `from ${hold.from}`, hold.to && `to ${hold.to}`].filter(Boolean).join('; ');
  const lifted = hold.state === 'lifted' ? `, lifted by ${hold.liftedBy} at ${hold.liftedAt}` : '';
  return `${hold.id}  ${hold.state}  ${criteria}  (placed by ${hold.placedBy} at ${hold.placedAt}${lifted})`;
}

export interface PlaceOptions {
  readonly as: string;
  readonly person?: string[];
  readonly space?: string[];
  readonly from?: string;
  readonly to?: string;
  readonly reason: string;
  readonly case: string;
}

export async function holdPlaceCommand(options: PlaceOptions): Promise<void> {
  // Options not given are no fields at all, as in an API body.
  const given = { people: options.person, spaces: options.space, from: options.from, to: options.to, reason: options.reason, caseReference: options.case };
  const body = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const hold = await withHolds(options.as, (deps, caller) => placeHold(deps, caller!, body).catch(asUsage));
  console.log(`placed legal hold ${hold.id}: ${describe(hold)}`);
  if (hold.peopleNotYetKnown.length > 0) console.error(`note: ${hold.peopleNotYetKnown.join(', ')} ha${hold.peopleNotYetKnown.length === 1 ? 's' : 've'} not signed in to Flurfunk yet; check the spelling if they should have`);
}

export async function holdLiftCommand(id: string, options: { as: string; reason: string }): Promise<void> {
  const hold = await withHolds(options.as, (deps, caller) => liftHold(deps, caller!, id, { reason: options.reason }).catch(asUsage));
  console.log(`lifted legal hold ${hold.id}`);
}

export async function holdListCommand(options: { as: string; json?: boolean }): Promise<void> {
  const holds = await withHolds(options.as, async (deps, caller) => {
    const all: HoldView[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await listHolds(deps, caller!, { before, limit: 100 });
      all.push(...page.items);
      if (page.next === null) return all;
      before = Number(page.next);
    }
  });
  if (options.json) console.log(JSON.stringify(holds, null, 2));
  else if (holds.length === 0) console.log('no legal holds');
  else for (const hold of holds) console.log(describe(hold));
}
