// What a legal hold names, and when it covers a shred candidate: pure functions, the one
// definition of "held" that the barrier, `covering` and the employees' view all use.
//
// Semantics: a hold names people, spaces and/or a time range (at least one of them). It covers
// a candidate when EVERY criterion it names matches — "ada's content in project-apollo between
// January and March" holds only what is ada's, in that space, from that time:
//   people  — at least one of the hold's people is among the candidate's people (authors,
//             participants, the owner of a profile);
//   spaces  — the candidate's space is one of the hold's spaces (a conversation or profile,
//             which is in no space, never matches a hold that names spaces);
//   range   — the candidate's span [from, to] overlaps the hold's [from, to]; an open end is
//             unbounded. Both ends are inclusive.
// A criterion the hold does not name restricts nothing.
import type { ShredCandidate } from './held.js';

export interface HoldCriteria {
  readonly people?: readonly string[];
  readonly spaces?: readonly string[];
  readonly from?: Date;
  readonly to?: Date;
}

export function covers(hold: HoldCriteria, candidate: ShredCandidate): boolean {
  if (hold.people && !hold.people.some((p) => candidate.people.includes(p))) return false;
  if (hold.spaces && (candidate.spaceId === undefined || !hold.spaces.includes(candidate.spaceId))) return false;
  if (hold.from && candidate.to.getTime() < hold.from.getTime()) return false;
  if (hold.to && candidate.from.getTime() > hold.to.getTime()) return false;
  return true;
}

/** The criteria as the clear data of LegalHoldPlaced stores them (ISO 8601 instants). */
export function criteriaOf(data: { people?: unknown; spaces?: unknown; from?: unknown; to?: unknown }): HoldCriteria {
  return {
    ...(Array.isArray(data.people) ? { people: data.people as string[] } : {}),
    ...(Array.isArray(data.spaces) ? { spaces: data.spaces as string[] } : {}),
    ...(typeof data.from === 'string' ? { from: new Date(data.from) } : {}),
    ...(typeof data.to === 'string' ? { to: new Date(data.to) } : {}),
  };
}
