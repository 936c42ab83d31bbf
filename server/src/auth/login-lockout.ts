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

/** How long an address a user signed in from stays known to the lockout. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;

/**
 * Temporary lockout after repeated failed logins, per username and per client address.
 * The counters live in the database, so a lock taken on one replica refuses the login on
 * every replica. Unknown usernames are counted like known ones, so a lock reveals nothing.
 * Each failure is one atomic upsert, so concurrent failures on several replicas all count.
 *
 * A username's count is split by where the attempt comes from: an address the user signed
 * in from within KNOWN_ADDRESS_MS has a count (and lock) of its own, every other address
 * shares the username's. Failures from strangers' addresses, meant to lock the user out,
 * then lock out only strangers; guessing stays bounded per known address, and an attacker
 * becomes "known" only by signing in, that is by knowing the password already.
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
      .where('key', 'in', [await this.#userCounterKey(username, ip, now), ipKey(ip)])
      // A lock ending more than a lock's length from now began after now: the clock stepped
      // back since (NTP, a resumed virtual machine), and the lock counts as over rather than
      // lasting as long as the step (shared/within-window.ts).
      .where('locked_until', '<=', now + this.#policy.lockoutMs)
      .executeTakeFirst();
    const until = Number(row?.until ?? 0);
    return until > now ? { retryAfterSeconds: Math.ceil((until - now) / 1000) } : null;
  }

  /**
   * Counts a failure; returns what this failure just locked, as audit targets: `user:<name>`,
   * the username for addresses it has not signed in from, `user:<name>@<address>` for a known
   * one, `ip:<address>`.
   */
  async recordFailure(username: string, ip: string): Promise<string[]> {
    const now = this.#now();
    const { lockoutMs } = this.#policy;
    const locked: string[] = [];
    const userCounter = await this.#userCounterKey(username, ip, now);
    for (const [key, max] of [[userCounter, this.#policy.maxFailuresPerUser], [ipKey(ip), this.#policy.maxFailuresPerIp]] as const) {
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
      if (Number(result.numUpdatedRows) > 0) locked.push(auditTargetOf(key));
    }
    await this.#sweep(now);
    return locked;
  }

  /**
   * A successful login clears the username's count it was checked against (not the
   * address's: one valid account must not reset guessing at others), and makes its address
   * known. A sign-in from a known address leaves the strangers' count and lock alone: it
   * must not hand whoever keeps the user locked a fresh set of guesses.
   */
  async recordSuccess(username: string, ip: string): Promise<void> {
    const now = this.#now();
    await this.#sql.db.deleteFrom('login_counters').where('key', '=', await this.#userCounterKey(username, ip, now)).execute();
    await this.#sql.db
      .insertInto('login_known_addresses')
      .values({ key: knownKey(username, ip), last_success: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ last_success: now }))
      .execute();
  }

  /**
   * The locks in force on usernames, for an admin's view: the strangers' lock (`address`
   * null) and each known address's own. Names are as counted: lower-cased, as typed.
   */
  async userLocks(): Promise<{ username: string; address: string | null; failures: number; lockedUntil: number }[]> {
    const now = this.#now();
    const rows = await this.#sql.db
      .selectFrom('login_counters')
      .select(['key', 'failures', 'locked_until'])
      .where('locked_until', '>', now)
      .where('locked_until', '<=', now + this.#policy.lockoutMs)
      .execute();
    return rows.flatMap((row) => {
      const counter = parseUserCounterKey(row.key);
      return counter ? [{ ...counter, failures: Number(row.failures), lockedUntil: Number(row.locked_until) }] : [];
    });
  }

  /**
   * Lifts every lock and forgets every count on the username (strangers' and known
   * addresses'), for an admin who knows the user: returns how many locks were in force.
   * Addresses' own counts stay: they bound guessing across usernames.
   */
  async clearUser(username: string): Promise<number> {
    const name = username.toLowerCase();
    const now = this.#now();
    const rows = await this.#sql.db
      .selectFrom('login_counters')
      .select(['key', 'locked_until'])
      .where((eb) => eb.or([eb('key', '=', userKey(name)), eb('key', 'like', `${KNOWN_PREFIX}%`)]))
      .execute();
    // A LIKE on the name would need escaping and still match `name@x`'s keys: compare parsed.
    const mine = rows.filter((row) => parseUserCounterKey(row.key)?.username === name);
    if (mine.length === 0) return 0;
    await this.#sql.db.deleteFrom('login_counters').where('key', 'in', mine.map((row) => row.key)).execute();
    return mine.filter((row) => Number(row.locked_until) > now && Number(row.locked_until) <= now + this.#policy.lockoutMs).length;
  }

  /** The username's counter this attempt counts against: the address's own if the user signed in from it lately. */
  async #userCounterKey(username: string, ip: string, now: number): Promise<string> {
    const known = await this.#sql.db
      .selectFrom('login_known_addresses')
      .select('last_success')
      .where('key', '=', knownKey(username, ip))
      .executeTakeFirst();
    // A sign-in recorded after now (the clock stepped back) still counts: it happened.
    return known && now - Number(known.last_success) < KNOWN_ADDRESS_MS ? knownCounterKey(username, ip) : userKey(username);
  }

  async #sweep(now: number): Promise<void> {
    if (withinWindow(now, this.#lastSweep, SWEEP_INTERVAL_MS)) return;
    this.#lastSweep = now;
    await this.#sql.db
      .deleteFrom('login_counters')
      .where('locked_until', '<=', now)
      .where('window_start', '<=', now - this.#policy.lockoutMs)
      .execute();
    await this.#sql.db.deleteFrom('login_known_addresses').where('last_success', '<=', now - KNOWN_ADDRESS_MS).execute();
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
/** Unambiguous however the name reads: an address has no `@`, so the last one splits the key. */
const knownKey = (username: string, ip: string) => `${userKey(username)}@${ip}`;
const ipKey = (ip: string) => `ip:${ip}`;
/**
 * A known address's count has a prefix of its own: a name typed at login may hold an `@`
 * (unknown names are counted too), so `user:admin@10.0.0.5`, a stranger's guesses at the
 * made-up user `admin@10.0.0.5`, must not be the count of `admin` at that known address.
 */
const KNOWN_PREFIX = 'known:';
const knownCounterKey = (username: string, ip: string) => `${KNOWN_PREFIX}${username.toLowerCase()}@${ip}`;
/** A username's counter read back: `user:<name>`, or `known:<name>@<address>` (an address has no `@`). */
function parseUserCounterKey(key: string): { username: string; address: string | null } | null {
  if (key.startsWith('user:')) return { username: key.slice('user:'.length), address: null };
  if (!key.startsWith(KNOWN_PREFIX)) return null;
  const at = key.lastIndexOf('@');
  return at > KNOWN_PREFIX.length ? { username: key.slice(KNOWN_PREFIX.length, at), address: key.slice(at + 1) } : null;
}
/** The documented audit target of a counter: `user:<name>@<address>` for a known address's. */
const auditTargetOf = (key: string) => (key.startsWith(KNOWN_PREFIX) ? `user:${key.slice(KNOWN_PREFIX.length)}` : key);
