// The contract between retention and legal holds: what the sweeper asks before it destroys a
// stream's key, and the barrier that keeps a hold placed during a sweep from racing it.
//
// A candidate is one stream whose content expired under the retention rules, described by the
// facts a hold can name: the space its content is in (none for conversations and profiles),
// the people whose content or conversation it is, and the time span its events cover.

export interface ShredCandidate {
  readonly streamId: string;
  /** The space whose content this is; undefined for conversations, profiles, audit streams. */
  readonly spaceId: string | undefined;
  /** Authors, participants and the person a profile stream belongs to. */
  readonly people: readonly string[];
  /** When the stream's first and last content events happened. */
  readonly from: Date;
  readonly to: Date;
}

/** Why a candidate is held, without naming the matter (the case reference stays with the DPO). */
export interface HoldMatch {
  readonly holdId: string;
}

export interface Holds {
  /**
   * Runs `shred` for a candidate only if no active hold covers it, such that a hold placed
   * concurrently either is seen here (and the candidate is skipped) or is placed only after
   * `shred` committed. Returns the covering holds when skipped, or undefined when shredded.
   */
  unlessHeld(candidate: ShredCandidate, shred: () => Promise<void>): Promise<readonly HoldMatch[] | undefined>;
  /**
   * The same for a batch, under one look at the holds: runs `shred` once with the candidates no
   * hold covers (not at all when every one is held) and returns the covering holds of the others.
   */
  unlessHeldEach(candidates: readonly ShredCandidate[], shred: (unheld: readonly ShredCandidate[]) => Promise<void>): Promise<ReadonlyMap<string, readonly HoldMatch[]>>;
  /** The active holds covering a candidate, without shredding anything (dry runs, reports). */
  covering(candidate: ShredCandidate): Promise<readonly HoldMatch[]>;
  /** The same for many candidates under one look at the holds; only held ones are in the map. */
  coveringEach(candidates: readonly ShredCandidate[]): Promise<ReadonlyMap<string, readonly HoldMatch[]>>;
}

/** No holds at all: every candidate is shredded. */
export const NO_HOLDS: Holds = {
  async unlessHeld(_candidate, shred) {
    await shred();
    return undefined;
  },
  async unlessHeldEach(candidates, shred) {
    if (candidates.length > 0) await shred(candidates);
    return new Map();
  },
  covering() {
    return Promise.resolve([]);
  },
  coveringEach() {
    return Promise.resolve(new Map());
  },
};
