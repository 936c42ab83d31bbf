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
  readonly #beforeCommit = new Map<string, () => void>();
  readonly #scratch = new Map<string, unknown>();

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

  /**
   * Runs once at the end of the unit, still inside its transaction, however often it is
   * asked for under the same key: work a batch needs once per thing it touched (an
   * incident's activity time and counts), not once per item. A later request under the
   * key replaces the task.
   */
  beforeCommit(key: string, task: () => void): void {
    this.#beforeCommit.set(key, task);
  }

  /** What the unit has already looked up, kept as long as the unit (one batch). */
  scratch<T>(key: string, create: () => T): T {
    if (!this.#scratch.has(key)) this.#scratch.set(key, create());
    return this.#scratch.get(key) as T;
  }

  /** Runs the end-of-unit tasks (the runner calls it inside the transaction). */
  finish(): void {
    // A task may ask for another (it runs in a later round).
    while (this.#beforeCommit.size > 0) {
      const tasks = [...this.#beforeCommit.values()];
      this.#beforeCommit.clear();
      for (const task of tasks) task();
    }
  }
}

export interface UnitRunner {
  <T>(work: (unit: UnitOfWork) => T): T;
}

export function unitRunner(db: Db, bus: EventBus): UnitRunner {
  return <T>(work: (unit: UnitOfWork) => T): T => {
    const unit = new UnitOfWork();
    const result = db.transaction(() => {
      const done = work(unit);
      unit.finish();
      return done;
    })();
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
