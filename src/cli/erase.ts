// `flurfunk erase --as DPO --person ID --reason TEXT`: erasure on request (GDPR Art. 17) from the
// command line, through the same command as the API (erasure.ts): the same policy check
// (erase on User), holds, receipt and projection. With --receipt, also writes the signed receipt:
// an audit export of the erasure's stream, which `flurfunk audit verify` checks.
import { NotFoundError, UsageError, ValidationError } from '../errors.js';
import { retentionDeps } from '../http/retention-routes.js';
import { erasePerson, erasureStream, type ErasureResult } from '../retention/erasure.js';
import { checkedOut, exportAs } from './audit.js';
import { withCaller } from './with-caller.js';

export interface EraseOptions {
  readonly as: string;
  readonly person: string;
  readonly reason?: string;
  readonly case?: string;
  readonly dryRun?: boolean;
  readonly receipt?: string;
  readonly json?: boolean;
}

function describe(r: ErasureResult): string {
  const what = `${r.erased.posts} posts (kept as placeholders), ${r.erased.comments} comments, ${r.erased.messages} messages, ${r.erased.attachments} files${r.erased.profile ? ', the profile' : ''}`;
  const held = r.held.length === 0 ? 'no legal hold keeps any of it' : `legal holds keep ${r.heldStreams} streams: ${r.held.map((h) => `${h.holdId} (${h.streams})`).join(', ')}`;
  return r.dryRun ? `dry run: would erase ${r.personId}'s keys in ${r.streams} streams: ${what}; ${held}` : `erased ${r.personId} (erasure ${r.erasureId}): keys in ${r.streams} streams destroyed: ${what}; ${held}`;
}

export async function eraseCommand(options: EraseOptions): Promise<void> {
  if (options.receipt !== undefined) {
    if (options.dryRun) throw new UsageError('--receipt: a dry run erases nothing and has no receipt');
    checkedOut(options.receipt);
  }
  if (!options.dryRun && options.reason === undefined) throw new UsageError('--reason is required (say why the content is erased, e.g. the person’s request of a date)');
  const body = Object.fromEntries(Object.entries({ reason: options.reason, caseReference: options.case }).filter(([, v]) => v !== undefined));
  await withCaller(options.as, async (runtime, projector, caller) => {
    const result = await erasePerson(retentionDeps(runtime, projector), caller!, options.person, body, { dryRun: options.dryRun === true }).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new UsageError(`--person ${options.person}: no such person has signed in to Flurfunk`);
      // The API's field names as the options that were typed.
      if (err instanceof ValidationError) throw new UsageError(err.message.replace('"reason"', '--reason').replace('"caseReference"', '--case'));
      throw err;
    });
    console.log(options.json ? JSON.stringify(result, null, 2) : describe(result));
    if (options.receipt !== undefined && result.erasureId !== null) await exportAs(runtime, options.as, { streamId: erasureStream(result.erasureId) }, options.receipt);
  });
}
