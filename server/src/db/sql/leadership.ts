import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { SqlDatabase } from './open.ts';
import { namedSessionConfig, openNamedSession } from './named-session.ts';
import { withTimeout } from './with-timeout.ts';

/**
 * Which replica runs the cluster's scheduled work (rule evaluation, anomaly retraining), so
 * that a rule fires once, not once per replica. `isLeader` is read at each tick of a
 * schedule: a job whose replica is not the leader skips that tick.
 */
export interface Leadership {
  readonly isLeader: boolean;
  /** Called with true when this replica becomes the leader, false when it loses it. */
  onChange(listener: (leader: boolean) => void): () => void;
  start(): void;
  /** Gives leadership up (the connection closes, so the lock goes with it). */
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  /** The lock's name; replicas contending for the same work use the same name. */
  name: string;
  /** How often a follower tries to take the lock, and the leader checks it still holds it. */
  retryMs: number;
  log?: Logger;
}

export const DEFAULT_LEADER_RETRY_MS = 5_000;

/** `application_name` of the leadership connections, followed by the lock's name in brackets. */
export const LEADER_APPLICATION_NAME = 'smartcloudops-leadership';

/** The advisory lock key of a name: the first 8 bytes of its SHA-256 as a signed 64-bit integer (PostgreSQL's bigint). */
export function leaderLockKey(name: string): string {
  const digest = createHash('sha256').update(`smartcloudops-leader:${name}`).digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}

/** SQLite: one process owns the file, so it is always the leader. */
class SingleProcessLeadership implements Leadership {
  readonly isLeader = true;
  onChange(): () => void {
    return () => undefined;
  }
  start(): void {}
  async stop(): Promise<void> {}
}

/**
 * PostgreSQL: the replica holding a session-level advisory lock (`pg_try_advisory_lock`) on
 * its own dedicated connection leads. Followers try again every `retryMs`; the leader checks
 * its connection as often. The lock lives exactly as long as that connection: when the
 * leader's process dies (kill -9, a crashed node) the server drops the session and frees the
 * lock, and the next follower to try takes over. A leader whose connection errors, ends or
 * stops answering stops leading at once, and waits one more interval before trying again,
 * so that a healthy replica takes over rather than the flaky one taking it back.
 *
 * A connection from outside the pool, so that the pool's idle timeout and its shutdown
 * never take the lock away behind this object's back.
 */
class AdvisoryLockLeadership implements Leadership {
  readonly #config: pg.ClientConfig;
  readonly #key: string;
  readonly #options: LeadershipOptions;
  readonly #listeners = new Set<(leader: boolean) => void>();
  #client: pg.Client | undefined;
  #leader = false;
  #stopped = true;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<void> | undefined;
  /** After losing the lock, this replica does not try again before this time (Date.now()). */
  #holdOffUntil = 0;

  constructor(config: pg.ClientConfig, options: LeadershipOptions) {
    // Named, so that an operator (and the tests) can see in pg_stat_activity which backend holds the lock.
    this.#config = namedSessionConfig(config, `${LEADER_APPLICATION_NAME} (${options.name})`);
    this.#key = leaderLockKey(options.name);
    this.#options = options;
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#attempt;
    this.#drop(undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    delayMs = Math.max(delayMs, this.#holdOffUntil - Date.now());
    this.#timer = setTimeout(() => {
      // One attempt at a time: the one under way schedules the next when it ends.
      if (this.#attempt) return;
      this.#attempt = this.#tryOnce().finally(() => (this.#attempt = undefined));
    }, delayMs);
    this.#timer.unref();
  }

  async #tryOnce(): Promise<void> {
    try {
      const client = await this.#connection();
      if (this.#leader) {
        // Still connected means still holding the lock; a connection that no longer answers is a lost one.
        await this.#withTimeout(client.query('SELECT 1'));
      } else {
        const { rows } = await this.#withTimeout(client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [this.#key]));
        if (rows[0]?.locked && !this.#stopped && this.#client === client) this.#set(true);
      }
    } catch (error) {
      this.#drop(error as Error);
    }
    this.#schedule(this.#options.retryMs);
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client(this.#config);
    // The lock is the connection's: any sign that it is gone ends leadership now, not at the next check.
    const lost = (error?: Error) => {
      if (this.#client !== client) return;
      this.#drop(error ?? new Error('the leadership connection ended'));
      this.#schedule(this.#options.retryMs);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    this.#client = client;
    try {
      await this.#withTimeout(openNamedSession(client));
    } catch (error) {
      if (this.#client === client) this.#client = undefined;
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    const limit = Math.max(1_000, this.#options.retryMs);
    return withTimeout(work, limit, `the database did not answer the leadership check within ${limit} ms`);
  }

  /** Closes the connection (freeing the lock if held) and stops leading. */
  #drop(error: Error | undefined): void {
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
    }
    if (this.#leader) {
      this.#holdOffUntil = Date.now() + 2 * this.#options.retryMs;
      if (error) this.#options.log?.warn({ err: error, lock: this.#options.name }, 'lost the leadership of scheduled work; another replica takes over');
      this.#set(false);
    }
  }

  #set(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    if (leader) this.#options.log?.info({ lock: this.#options.name }, 'this replica leads the scheduled work');
    for (const listener of this.#listeners) {
      try {
        listener(leader);
      } catch (error) {
        this.#options.log?.error({ err: error }, 'a leadership listener failed');
      }
    }
  }
}

/** The leadership of scheduled work on this database: always this process on SQLite, an advisory lock on PostgreSQL. */
export function createLeadership(database: SqlDatabase, options: LeadershipOptions): Leadership {
  if (database.dialect === 'sqlite' || !database.pool) return new SingleProcessLeadership();
  // The pool's own settings (URL, sslmode, type parsers) for the one connection it does not manage.
  return new AdvisoryLockLeadership(database.pool.options, options);
}
