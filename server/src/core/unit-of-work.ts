import type { Db } from '../db/database.ts';
import type { EventBus } from '../events/bus.ts';
import type { StreamEvent } from '../../../shared/api/stream.ts';

/**
 * What one transaction changed, told to the world only after it commits: stream events
 * are published and follow-up work (waking the webhook dispatcher) runs. A rolled-back
 * batch tells nobody.
 */
export class UnitOfWork {
  readonly events: StreamEvent[] = [];
  readonly #afterCommit = new Set<() => void>();

  publish(event: StreamEvent): void {
    this.events.push(event);
  }

  /** Runs once after the commit, however often it is asked for within the unit. */
  afterCommit(task: () => void): void {
    this.#afterCommit.add(task);
  }

  get afterCommitTasks(): ReadonlySet<() => void> {
    return this.#afterCommit;
  }
}

export interface UnitRunner {
  <T>(work: (unit: UnitOfWork) => T): T;
}

export function unitRunner(db: Db, bus: EventBus): UnitRunner {
  return <T>(work: (unit: UnitOfWork) => T): T => {
    const unit = new UnitOfWork();
    const result = db.transaction(() => work(unit))();
    // After the commit; grouped in one transaction of their own so that subscribers that
    // persist what they hear (the stream's event log) write one commit per batch, not one per event.
    if (unit.events.length > 0) {
      db.transaction(() => {
        for (const event of unit.events) bus.publish(event);
      })();
    }
    for (const task of unit.afterCommitTasks) task();
    return result;
  };
}
