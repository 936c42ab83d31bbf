import type { Db } from '../db/database.ts';
import type { SqlDialect } from '../db/sql/open.ts';

/**
 * The tables whose rows decide whether a credential is good and what it may do: users
 * (disabled, role, one-time password), sessions (refresh-token families and their
 * revocations), API keys and signing keys.
 */
export const CREDENTIAL_TABLES = ['users', 'refresh_tokens', 'api_keys', 'signing_keys'] as const;

/** How often commits by other connections to the SQLite file are looked for, ms. */
export const OUTSIDE_CHECK_MS = 50;

/** The SQL function the triggers call; registered on the connection, so only this process has it. */
const CHANGED_FUNCTION = 'smartcloudops_credentials_changed';

/**
 * A number that changes whenever a credential table may have changed, so that what
 * authentication read from them can be remembered for as long as the number stays the
 * same. `tracking` false means changes cannot be seen here (another process may write the
 * tables): nothing may be remembered.
 */
export interface CredentialState {
  readonly tracking: boolean;
  readonly generation: number;
}

/** Nothing remembered: on PostgreSQL other replicas revoke sessions and keys in the shared tables. */
export const UNTRACKED: CredentialState = { tracking: false, generation: 0 };

/**
 * On SQLite the server is the database's only user (a single-node install), and every
 * statement, of the query layer and of the synchronous stores alike, runs on one
 * connection. TEMP triggers on that connection (they exist only in it, so the file holds
 * nothing another process would trip over) call back into this process on every INSERT,
 * UPDATE and DELETE of a credential table: a logout, a revocation, a disabled user, a role
 * change or a rotated signing key moves the generation within the statement that writes
 * it, before the write is even committed, so a request after it never sees an older answer.
 * A write that is rolled back has moved it too: a spurious re-read, never a stale one.
 */
export function trackCredentialChanges(db: Db): CredentialState {
  let changes = 0;
  db.function(CHANGED_FUNCTION, { deterministic: false, varargs: false }, () => {
    changes++;
    return null;
  });
  for (const table of CREDENTIAL_TABLES) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS ${table}_${event.toLowerCase()}_credentials_changed AFTER ${event} ON main.${table} BEGIN SELECT ${CHANGED_FUNCTION}(); END`);
    }
  }
  // Commits by any other connection to the file (an operator's sqlite3 shell disabling a
  // user, say; the server is the file's only writer otherwise): SQLite's data_version moves
  // for those and only those. Reading it starts a WAL read transaction, ~10 µs, a tenth of a
  // proxied query's own CPU, so it is looked at most every OUTSIDE_CHECK_MS: such a change
  // holds within that, the server's own writes (every revocation path) at once.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let lastDataVersion = dataVersion.get() as number;
  let checkedAt = performance.now();
  return {
    tracking: true,
    get generation() {
      const now = performance.now();
      if (now - checkedAt >= OUTSIDE_CHECK_MS) {
        checkedAt = now;
        const version = dataVersion.get() as number;
        if (version !== lastDataVersion) {
          lastDataVersion = version;
          changes++;
        }
      }
      return changes;
    },
  };
}

/** Tracking where this process sees every write (SQLite), none where it cannot (PostgreSQL). */
export function credentialStateOf(dialect: SqlDialect, db: Db): CredentialState {
  return dialect === 'sqlite' ? trackCredentialChanges(db) : UNTRACKED;
}

interface Remembered<V> {
  value: V;
  /** Epoch ms from which the entry no longer holds (a token's or key's expiry, a re-check). */
  validUntilMs: number;
}

/**
 * Answers remembered while the credential tables have not changed: the whole memory is
 * dropped at the first look after any change, and an answer read while a change happened
 * (generation taken before the read) is not kept. Bounded: the oldest entry goes first.
 */
export class CredentialMemory<V> {
  readonly #state: CredentialState;
  readonly #max: number;
  readonly #entries = new Map<string, Remembered<V>>();
  #generation: number;

  constructor(state: CredentialState, maxEntries = 10_000) {
    this.#state = state;
    this.#max = maxEntries;
    this.#generation = state.generation;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The generation to pass to `remember` for an answer about to be read. */
  get generation(): number {
    return this.#state.generation;
  }

  get(key: string, nowMs: number): V | undefined {
    if (!this.#state.tracking) return undefined;
    const generation = this.#state.generation;
    if (this.#generation !== generation) {
      this.#entries.clear();
      this.#generation = generation;
      return undefined;
    }
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.validUntilMs > nowMs) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** Keeps `value` read at `generation` until `validUntilMs`, unless the tables changed since. */
  remember(key: string, value: V, generation: number, validUntilMs: number): void {
    if (!this.#state.tracking || generation !== this.#state.generation) return;
    if (this.#generation !== generation) {
      this.#entries.clear();
      this.#generation = generation;
    }
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, validUntilMs });
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
