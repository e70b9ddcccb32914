// Records refusals by the policy (PermissionDenied on the stream `denials`): who tried what, on
// which kind of thing, and the rule that refused. Only 403s are recorded: a thing the caller
// may not see answers 404 and is not recorded (the record would say nothing the refusal did
// not, and probing for ids would flood the chain). A person can cause refusals at will, so of
// each person, action and kind of thing one is recorded a minute per process, and the ones
// left out are counted into the next recorded one.
import type { Denial } from '../errors.js';
import type { EventStore } from '../events/event-store.js';
import type { JsonObject } from '../events/types.js';

export const DENIALS_STREAM = 'denials';
const WINDOW_MS = 60_000;
const TRACKED_KEYS = 10_000;

export interface DeniedCaller {
  readonly actor: string;
  readonly correlationId: string | undefined;
  readonly policyVersion: string | undefined;
}

function eventData(denial: Denial, reason: string, suppressedBefore: number): JsonObject {
  const { rule } = denial;
  return {
    action: denial.action,
    subjectType: denial.subjectType,
    ...(denial.subjectId === undefined ? {} : { subjectId: denial.subjectId }),
    ...(denial.spaceId === undefined ? {} : { spaceId: denial.spaceId }),
    reason: reason.slice(0, 500),
    rule: rule && { summary: rule.summary, ...(rule.file === undefined ? {} : { file: rule.file }), ...(rule.line === undefined ? {} : { line: rule.line }) },
    suppressedBefore,
  };
}

export class DenialAudit {
  /** person|action|type → when its last recorded refusal was, and the refusals left out since. */
  private readonly recent = new Map<string, { since: number; suppressed: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date,
  ) {}

  /** Appends PermissionDenied unless one for the same person, action and type was recorded within the minute. */
  async record(caller: DeniedCaller, denial: Denial, reason: string): Promise<boolean> {
    const key = `${caller.actor}\u0000${denial.action}\u0000${denial.subjectType}`;
    const now = this.clock().getTime();
    const last = this.recent.get(key);
    if (last && now - last.since < WINDOW_MS) {
      last.suppressed++;
      return false;
    }
    const suppressedBefore = last?.suppressed ?? 0;
    if (!last && this.recent.size >= TRACKED_KEYS) this.recent.clear();
    this.recent.set(key, { since: now, suppressed: 0 });
    await this.store.append(DENIALS_STREAM, [{ type: 'PermissionDenied', data: eventData(denial, reason, suppressedBefore) }], {
      expectedVersion: 'any',
      actor: caller.actor,
      correlationId: caller.correlationId,
      policyVersion: caller.policyVersion,
    });
    return true;
  }
}
