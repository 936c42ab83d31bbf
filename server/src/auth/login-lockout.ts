import { LRUCache } from 'lru-cache';

export interface LockoutPolicy {
  /** Failed logins for one username before it is locked. */
  maxFailuresPerUser: number;
  /** Failed logins from one address before it is locked (higher: offices share addresses). */
  maxFailuresPerIp: number;
  /** How long a lock lasts, and the window in which failures are counted. */
  lockoutMs: number;
}

interface Counter {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export interface LockState {
  /** Seconds until the earliest lock on this attempt lifts. */
  retryAfterSeconds: number;
}

/**
 * Temporary lockout after repeated failed logins, per username and per client address.
 * Unknown usernames are counted like known ones, so a lock reveals nothing. Bounded in
 * memory: the least recently seen counters are forgotten first.
 */
export class LoginLockout {
  readonly #policy: LockoutPolicy;
  readonly #now: () => number;
  readonly #counters = new LRUCache<string, Counter>({ max: 50_000 });

  constructor(policy: LockoutPolicy, now: () => number = Date.now) {
    this.#policy = policy;
    this.#now = now;
  }

  /** The lock that refuses this attempt, if any. */
  check(username: string, ip: string): LockState | null {
    const now = this.#now();
    const until = Math.max(this.#lockedUntil(userKey(username), now), this.#lockedUntil(ipKey(ip), now));
    return until > now ? { retryAfterSeconds: Math.ceil((until - now) / 1000) } : null;
  }

  /** Counts a failure; returns the keys (`user:…`, `ip:…`) that this failure just locked. */
  recordFailure(username: string, ip: string): string[] {
    const now = this.#now();
    const locked: string[] = [];
    for (const [key, max] of [[userKey(username), this.#policy.maxFailuresPerUser], [ipKey(ip), this.#policy.maxFailuresPerIp]] as const) {
      let counter = this.#counters.get(key);
      if (!counter || now - counter.windowStart >= this.#policy.lockoutMs) counter = { failures: 0, windowStart: now, lockedUntil: 0 };
      counter.failures += 1;
      if (counter.failures >= max && counter.lockedUntil <= now) {
        counter.lockedUntil = now + this.#policy.lockoutMs;
        locked.push(key);
      }
      this.#counters.set(key, counter);
    }
    return locked;
  }

  /** A successful login clears its username's count (not the address's: one valid account must not reset guessing at others). */
  recordSuccess(username: string): void {
    this.#counters.delete(userKey(username));
  }

  #lockedUntil(key: string, now: number): number {
    const counter = this.#counters.get(key);
    if (!counter) return 0;
    if (counter.lockedUntil <= now && now - counter.windowStart >= this.#policy.lockoutMs) {
      this.#counters.delete(key);
      return 0;
    }
    return counter.lockedUntil;
  }
}

const userKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
