import { sql } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import { withinWindow } from '../../../shared/within-window.ts';

export interface LockoutPolicy {
  /** Failed logins for one username before it is locked. */
  maxFailuresPerUser: number;
  /** Failed logins from one address before it is locked (higher: offices share addresses). */
  maxFailuresPerIp: number;
  /** How long a lock lasts, and the window in which failures are counted. */
  lockoutMs: number;
}

export interface LockState {
  /** Seconds until the earliest lock on this attempt lifts. */
  retryAfterSeconds: number;
}

/** Expired counters are deleted at most this often (one statement), so the table stays small. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Temporary lockout after repeated failed logins, per username and per client address.
 * The counters live in the database, so a lock taken on one replica refuses the login on
 * every replica. Unknown usernames are counted like known ones, so a lock reveals nothing.
 * Each failure is one atomic upsert, so concurrent failures on several replicas all count.
 */
export class LoginLockout {
  readonly #policy: LockoutPolicy;
  readonly #sql: SqlDatabase;
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(sql: SqlDatabase, policy: LockoutPolicy, now: () => number = Date.now) {
    this.#sql = sql;
    this.#policy = policy;
    this.#now = now;
  }

  /** The lock that refuses this attempt, if any. */
  async check(username: string, ip: string): Promise<LockState | null> {
    const now = this.#now();
    const row = await this.#sql.db
      .selectFrom('login_counters')
      .select((eb) => eb.fn.max('locked_until').as('until'))
      .where('key', 'in', [userKey(username), ipKey(ip)])
      // A lock ending more than a lock's length from now began after now: the clock stepped
      // back since (NTP, a resumed virtual machine), and the lock counts as over rather than
      // lasting as long as the step (shared/within-window.ts).
      .where('locked_until', '<=', now + this.#policy.lockoutMs)
      .executeTakeFirst();
    const until = Number(row?.until ?? 0);
    return until > now ? { retryAfterSeconds: Math.ceil((until - now) / 1000) } : null;
  }

  /** Counts a failure; returns the keys (`user:…`, `ip:…`) that this failure just locked. */
  async recordFailure(username: string, ip: string): Promise<string[]> {
    const now = this.#now();
    const { lockoutMs } = this.#policy;
    const locked: string[] = [];
    for (const [key, max] of [[userKey(username), this.#policy.maxFailuresPerUser], [ipKey(ip), this.#policy.maxFailuresPerIp]] as const) {
      // A counter whose window has passed (or began after now: the clock stepped back) starts
      // again at 1; otherwise it grows by one.
      const stale = sql<boolean>`(${now} < login_counters.window_start OR ${now} - login_counters.window_start >= ${lockoutMs})`;
      const counter = await this.#sql.db
        .insertInto('login_counters')
        .values({ key, failures: 1, window_start: now, locked_until: 0 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql<number>`CASE WHEN ${stale} THEN 1 ELSE login_counters.failures + 1 END`,
            window_start: sql<number>`CASE WHEN ${stale} THEN ${now} ELSE login_counters.window_start END`,
          }),
        )
        .returning(['failures', 'locked_until'])
        .executeTakeFirstOrThrow();
      const lockedNow = (until: number) => until > now && until <= now + lockoutMs;
      if (counter.failures < max || lockedNow(Number(counter.locked_until))) continue;
      // Conditional, so that of two replicas crossing the limit together one reports the lock.
      const result = await this.#sql.db
        .updateTable('login_counters')
        .set({ locked_until: now + lockoutMs })
        .where('key', '=', key)
        .where((eb) => eb.or([eb('locked_until', '<=', now), eb('locked_until', '>', now + lockoutMs)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) locked.push(key);
    }
    await this.#sweep(now);
    return locked;
  }

  /** A successful login clears its username's count (not the address's: one valid account must not reset guessing at others). */
  async recordSuccess(username: string): Promise<void> {
    await this.#sql.db.deleteFrom('login_counters').where('key', '=', userKey(username)).execute();
  }

  async #sweep(now: number): Promise<void> {
    if (withinWindow(now, this.#lastSweep, SWEEP_INTERVAL_MS)) return;
    this.#lastSweep = now;
    await this.#sql.db
      .deleteFrom('login_counters')
      .where('locked_until', '<=', now)
      .where('window_start', '<=', now - this.#policy.lockoutMs)
      .execute();
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
