/** A running run's lease as its row shows it: the replica carrying it out, its renewals so far, and until when it holds. */
export interface RunLease {
  id: number;
  owner: string | null;
  beat: number;
  until: number | null;
}

/**
 * Tells the runs of a dead replica from those of a live one, for the recovery pass of the
 * replicas (PostgreSQL). A lapsed `claimed_until` alone cannot: after a database outage that
 * every replica shared, no renewal could land, and every live replica's lease reads lapsed
 * until its next renewal (up to a third of a lease later). So a run is taken for a dead
 * replica's only when its lease lapsed *and* this replica has itself watched its renewal
 * count (`lease_beat`) stand still for a whole lease, looking at least every `maxGapMs`.
 * A look that comes later than that after the previous one (the database or this process
 * was away), or earlier than it (the clock went back), starts the watch over: time this
 * replica could not watch, or cannot measure, never counts against another replica.
 */
export class LeaseWatch {
  readonly #leaseMs: number;
  readonly #maxGapMs: number;
  #seen = new Map<number, { owner: string | null; beat: number; since: number }>();
  #lastLook: number | undefined;

  constructor(leaseMs: number, maxGapMs = leaseMs / 2) {
    this.#leaseMs = leaseMs;
    this.#maxGapMs = maxGapMs;
  }

  /** One look at the leases of the runs other replicas carry out; answers those whose replica is taken for dead. */
  look(leases: readonly RunLease[], now: number): RunLease[] {
    const continuous = this.#lastLook !== undefined && now >= this.#lastLook && now - this.#lastLook <= this.#maxGapMs;
    this.#lastLook = now;
    const seen = new Map<number, { owner: string | null; beat: number; since: number }>();
    const dead: RunLease[] = [];
    for (const lease of leases) {
      const before = continuous ? this.#seen.get(lease.id) : undefined;
      const still = before !== undefined && before.owner === lease.owner && before.beat === lease.beat;
      const since = still ? before.since : now;
      seen.set(lease.id, { owner: lease.owner, beat: lease.beat, since });
      const lapsed = lease.until === null || lease.until <= now;
      if (still && lapsed && now - since >= this.#leaseMs) dead.push(lease);
    }
    this.#seen = seen;
    return dead;
  }

  /** A look failed (the database is away): what was seen before it no longer counts. */
  lost(): void {
    this.#lastLook = undefined;
  }
}
