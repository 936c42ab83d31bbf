import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { rendezvousOwner } from '../db/sql/rendezvous.ts';
import type { WorkClaims } from '../db/sql/work-claims.ts';
import { PeriodicTask } from '../core/periodic-task.ts';

/** How often the live replicas are read again (a dead one's targets move within about this). */
export const DEFAULT_SHARE_SYNC_MS = 5_000;

/** A target's claim key: a 31-bit number from its name (the claims' second advisory-lock key is an int). */
export function targetClaimKey(target: string): number {
  return createHash('sha256').update(target).digest().readUInt32BE(0) >>> 1;
}

/**
 * Which anomaly targets of the embedded store this replica scores. With several replicas
 * on PostgreSQL each target is scored by one: its owner by rendezvous hashing over the
 * live replicas (`WorkClaims.members`), holding the target's claim while it scores it, so
 * even while two replicas disagree on who is alive (a second or two around a start or a
 * death) only one scores it. On SQLite the one process owns every target.
 */
export class TargetShare {
  readonly #claims: WorkClaims;
  readonly #changed = new Set<() => void>();
  #members: string[];
  readonly #reading: PeriodicTask;

  constructor(claims: WorkClaims, options: { syncMs?: number; log?: Logger } = {}) {
    this.#claims = claims;
    this.#members = [claims.replicaId];
    this.#reading = new PeriodicTask(() => this.#readMembers(), {
      everyMs: options.syncMs ?? DEFAULT_SHARE_SYNC_MS,
      onError: (error) => options.log?.warn({ err: error }, 'anomaly targets: the live replicas could not be read; keeping the last known'),
    });
  }

  get replicaId(): string {
    return this.#claims.replicaId;
  }

  /** Reads the live replicas now and every `syncMs`; `onChange` listeners hear when they change. */
  async start(): Promise<void> {
    await this.refresh();
    this.#reading.start();
    // The claims' session ended: every claim is gone, so the members are read again (and
    // the targets this replica follows are dropped by the listeners until it is back).
    this.#claims.onLost(() => {
      this.#members = [];
      for (const listener of this.#changed) listener();
    });
  }

  /** Reads the live replicas now (or answers the read in flight); a failed read keeps the last known. */
  refresh(): Promise<void> {
    return this.#reading.runNow();
  }

  async #readMembers(): Promise<void> {
    const members = await this.#claims.members();
    const changed = members.join('\n') !== this.#members.join('\n');
    this.#members = members;
    if (changed) for (const listener of this.#changed) listener();
  }

  onChange(listener: () => void): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  /** Whether this replica should score the target, by the replicas it last saw alive. */
  mine(target: string): boolean {
    return rendezvousOwner(target, this.#members) === this.#claims.replicaId;
  }

  /** Takes the target's claim; false while another replica still holds it. */
  claim(target: string): Promise<boolean> {
    return this.#claims.claim(targetClaimKey(target));
  }

  release(target: string): Promise<void> {
    return this.#claims.release(targetClaimKey(target));
  }

  async stop(): Promise<void> {
    await this.#reading.stop();
    await this.#claims.stop();
  }
}
