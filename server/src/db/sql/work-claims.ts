import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import type { SqlDatabase } from './open.ts';
import { namedSessionConfig, openNamedSession } from './named-session.ts';
import { withTimeout } from './with-timeout.ts';

/**
 * Work shared out between live replicas, one owner per piece (an anomaly watch): which
 * replicas are alive, and a claim per piece that only one replica can hold. On PostgreSQL
 * the database already knows both: each replica keeps one dedicated session, named after
 * it (`application_name`), so the live replicas are the sessions in `pg_stat_activity`, and
 * a claim is a session-level advisory lock on that connection. A replica that dies (kill -9,
 * a lost node) loses its session, and with it its claims and its membership, with nothing
 * to expire. On SQLite one process owns the file and every claim.
 */
export interface WorkClaims {
  /** This replica's name among the members. */
  readonly replicaId: string;
  /** The live replicas' names, this one included, sorted. */
  members(): Promise<string[]>;
  /** Takes piece `key` if no other live replica holds it; true when this replica holds it (now or already). */
  claim(key: number): Promise<boolean>;
  release(key: number): Promise<void>;
  /** Called when every claim was lost at once (the session ended): whoever follows the work must stop. */
  onLost(listener: () => void): () => void;
  stop(): Promise<void>;
}

/** `application_name` prefix of the claims sessions; the replica's name follows it. */
export const CLAIMS_APPLICATION_PREFIX = 'smartcloudops-claims ';

/** A replica's name: its host (the pod's name on Kubernetes) and a random suffix, so restarts and two processes on one host differ. */
export function newReplicaId(hostname = os.hostname()): string {
  // application_name keeps 63 bytes; the prefix takes 21 of them.
  const host = hostname.replace(/[^\w.-]/g, '_').slice(0, 32);
  return `${host}-${randomBytes(4).toString('hex')}`;
}

/** The first argument of the two-key advisory lock functions for one kind of work (a 32-bit int from its name). */
export function claimsLockClass(name: string): number {
  return createHash('sha256').update(`smartcloudops-claims:${name}`).digest().readInt32BE(0);
}

class SingleProcessClaims implements WorkClaims {
  readonly replicaId: string;
  constructor(replicaId: string) {
    this.replicaId = replicaId;
  }
  async members(): Promise<string[]> {
    return [this.replicaId];
  }
  async claim(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  onLost(): () => void {
    return () => undefined;
  }
  async stop(): Promise<void> {}
}

export interface WorkClaimsOptions {
  /** The kind of work; replicas sharing the same work use the same name. */
  name: string;
  /** Longest wait for the database on a claims call before the session is taken as lost. */
  timeoutMs: number;
  replicaId?: string;
  log?: Logger;
}

class AdvisoryLockClaims implements WorkClaims {
  readonly replicaId: string;
  readonly #config: pg.ClientConfig;
  readonly #class: number;
  readonly #options: WorkClaimsOptions;
  readonly #listeners = new Set<() => void>();
  readonly #held = new Set<number>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #stopped = false;

  constructor(config: pg.ClientConfig, options: WorkClaimsOptions) {
    this.replicaId = options.replicaId ?? newReplicaId();
    this.#config = namedSessionConfig(config, `${CLAIMS_APPLICATION_PREFIX}${this.replicaId}`);
    this.#class = claimsLockClass(options.name);
    this.#options = options;
  }

  async members(): Promise<string[]> {
    const client = await this.#connection();
    const { rows } = await this.#query<{ name: string }>(
      client,
      "SELECT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND starts_with(application_name, $1)",
      [CLAIMS_APPLICATION_PREFIX],
    );
    const names = new Set(rows.map((row) => row.name.slice(CLAIMS_APPLICATION_PREFIX.length)));
    // This session is alive by definition (a role that may not see the others' names still sees its own).
    names.add(this.replicaId);
    return [...names].sort();
  }

  async claim(key: number): Promise<boolean> {
    if (this.#held.has(key)) return true;
    const client = await this.#connection();
    const { rows } = await this.#query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1::int, $2::int) AS locked', [this.#class, key]);
    if (rows[0]?.locked && this.#client === client) this.#held.add(key);
    return this.#held.has(key);
  }

  async release(key: number): Promise<void> {
    if (!this.#held.delete(key) || !this.#client) return;
    await this.#query(this.#client, 'SELECT pg_advisory_unlock($1::int, $2::int)', [this.#class, key]);
  }

  onLost(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#connecting?.catch(() => undefined);
    // A graceful leave is seen at once: the session stops being a member and frees its claims
    // before it closes. Closing alone ends them only once the server process behind the
    // session has exited, a moment after the socket closes, so another replica listing the
    // members right after this resolves could still see this one.
    const client = this.#client;
    if (client) await this.#withTimeout(client.query("SELECT pg_advisory_unlock_all(), set_config('application_name', '', false)")).catch(() => undefined);
    this.#drop(undefined);
  }

  async #connection(): Promise<pg.Client> {
    if (this.#stopped) throw new Error('work claims stopped');
    if (this.#client) return this.#client;
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client(this.#config);
    // The claims are the session's: any sign that it is gone drops them now, not at the next call.
    const lost = (error?: Error) => {
      if (this.#client === client) this.#drop(error ?? new Error('the work claims connection ended'));
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await this.#withTimeout(openNamedSession(client));
    } catch (error) {
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    return client;
  }

  async #query<R extends pg.QueryResultRow>(client: pg.Client, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.#withTimeout(client.query<R>(text, values));
    } catch (error) {
      // A session that does not answer may still hold the locks on the server: end it, so they go.
      if (this.#client === client) this.#drop(error as Error);
      throw error;
    }
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    return withTimeout(work, this.#options.timeoutMs, `the database did not answer a work claims call within ${this.#options.timeoutMs} ms`);
  }

  #drop(error: Error | undefined): void {
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
    }
    const had = this.#held.size > 0;
    this.#held.clear();
    if (error) this.#options.log?.warn({ err: error, work: this.#options.name }, 'lost the work claims session; its work goes to the other replicas until it reconnects');
    if (had || error) {
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch (listenerError) {
          this.#options.log?.error({ err: listenerError }, 'a work claims listener failed');
        }
      }
    }
  }
}

/** Claims on this database: everything this process's on SQLite, advisory locks on a dedicated session on PostgreSQL. */
export function createWorkClaims(database: SqlDatabase, options: WorkClaimsOptions): WorkClaims {
  if (database.dialect === 'sqlite' || !database.pool) return new SingleProcessClaims(options.replicaId ?? newReplicaId());
  return new AdvisoryLockClaims(database.pool.options, options);
}
