import { sql } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';

export interface QueryBudgetOptions {
  /** Requests per principal per window, all replicas together. */
  max: number;
  windowMs: number;
  /** The shared counters (`rate_limit_counters`, the table @fastify/rate-limit's SQL store uses). */
  sql: SqlDatabase;
  now?: () => number;
  /** Longest a replica keeps admitted requests to itself before adding them to the shared count. */
  syncIntervalMs?: number;
  /** Told when the shared counters cannot be written (the local count still applies). */
  onSyncError?: (error: unknown) => void;
  /** What this budget's shared rows begin with, apart from other budgets' (default `datasource-query:`). */
  keyPrefix?: string;
}

export interface BudgetDecision {
  allowed: boolean;
  /** Requests left in this window, as far as this replica knows. */
  remaining: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

interface Entry {
  windowStart: number;
  /** The count of every replica at the last sync (this replica's synced hits included). */
  shared: number;
  /** Admitted here since the last sync. */
  unsynced: number;
}

const DEFAULT_KEY_PREFIX = 'datasource-query:';

/**
 * The proxy's per-user query budget, decided in memory (one Map lookup, no I/O on the
 * request path) and shared by every replica through the database in the background, as
 * the server's other rate limits are.
 *
 * Windows are fixed and aligned to the clock, so replicas agree on them without talking.
 * Each replica counts what it admits at once and adds it to the shared row of that
 * principal and window (`datasource-query:<principal>@<window start>`) within
 * `syncIntervalMs`, or straight away once it holds a tenth of the budget, reading back the
 * total of all replicas. A request is refused when that total plus what this replica has
 * not sent yet reaches `max`: one replica alone never exceeds it, and replicas together
 * by at most what each admits between two syncs.
 */
export class QueryBudget {
  readonly #options: Required<Omit<QueryBudgetOptions, 'onSyncError'>> & Pick<QueryBudgetOptions, 'onSyncError'>;
  readonly #entries = new Map<string, Entry>();
  readonly #eagerSync: number;
  #timer: NodeJS.Timeout | undefined;
  #timerIsEager = false;
  #syncing: Promise<void> | undefined;
  #swept = 0;

  constructor(options: QueryBudgetOptions) {
    this.#options = { now: Date.now, syncIntervalMs: 1_000, keyPrefix: DEFAULT_KEY_PREFIX, ...options };
    this.#eagerSync = Math.max(1, Math.floor(options.max / 10));
  }

  /** Counts one request of `principal`, or refuses it when the window's budget is spent. */
  take(principal: string): BudgetDecision {
    const { max, windowMs, now } = this.#options;
    const at = now();
    const windowStart = at - (at % windowMs);
    let entry = this.#entries.get(principal);
    if (!entry || entry.windowStart !== windowStart) {
      // A new window: what was not sent of the last one no longer matters to anyone.
      entry = { windowStart, shared: 0, unsynced: 0 };
      this.#entries.set(principal, entry);
    }
    const resetMs = windowStart + windowMs - at;
    const used = entry.shared + entry.unsynced;
    if (used >= max) return { allowed: false, remaining: 0, resetMs };
    entry.unsynced++;
    this.#schedule(entry.unsynced >= this.#eagerSync);
    return { allowed: true, remaining: max - used - 1, resetMs };
  }

  /** Adds every replica-local count to the shared counters and reads the totals back. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerIsEager = false;
    // One sync at a time; a flush asked during one runs after it (it may have new hits to send).
    const run = (this.#syncing ?? Promise.resolve()).then(() => this.#sync());
    this.#syncing = run;
    const settled = () => {
      if (this.#syncing === run) this.#syncing = undefined;
    };
    run.then(settled, settled);
    return run;
  }

  /** Sends what is pending; no timer is left behind. */
  close(): Promise<void> {
    return this.flush();
  }

  /** At most one timer: the periodic one, or an immediate one once a replica holds a tenth of the budget. */
  #schedule(eager: boolean): void {
    if (this.#timer && (this.#timerIsEager || !eager)) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerIsEager = eager;
    this.#timer = setTimeout(() => void this.flush(), eager ? 0 : this.#options.syncIntervalMs);
    this.#timer.unref();
  }

  async #sync(): Promise<void> {
    const { windowMs, now, sql: database, keyPrefix } = this.#options;
    const current = now() - (now() % windowMs);
    for (const [principal, entry] of this.#entries) {
      if (entry.windowStart < current) {
        this.#entries.delete(principal);
        continue;
      }
      const delta = entry.unsynced;
      if (delta === 0) continue;
      try {
        const row = await database.db
          .insertInto('rate_limit_counters')
          .values({ key: `${keyPrefix}${principal}@${entry.windowStart}`, hits: delta, window_start: entry.windowStart })
          .onConflict((oc) => oc.column('key').doUpdateSet({ hits: sql<number>`rate_limit_counters.hits + ${delta}` }))
          .returning(['hits'])
          .executeTakeFirstOrThrow();
        // Hits admitted while the statement ran stay unsynced for the next round.
        entry.unsynced -= delta;
        entry.shared = Math.max(entry.shared, Number(row.hits));
      } catch (error) {
        this.#options.onSyncError?.(error);
        return;
      }
    }
    if (current > this.#swept) {
      // Rows of ended windows (once a window): the table holds only live counters.
      this.#swept = current;
      await database.db
        .deleteFrom('rate_limit_counters')
        .where('key', 'like', `${keyPrefix}%`)
        .where('window_start', '<', current - windowMs)
        .execute()
        .catch((error: unknown) => this.#options.onSyncError?.(error));
    }
  }
}
