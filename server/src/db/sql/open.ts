import { Kysely, PostgresDialect, SqliteDialect, type Driver, type SqliteDialectConfig } from 'kysely';
import pg from 'pg';
import type { Db } from '../database.ts';
import type { DatabaseSettings } from '../database-url.ts';
import type { SqlSchema } from './schema.ts';
import { ambient } from './transaction-scope.ts';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * The shared query layer: one Kysely instance over the configured database. Features moved
 * to it write one query code for both dialects; `dialect` is there for the few statements
 * that differ (row locks, advisory locks, LISTEN/NOTIFY).
 */
export interface SqlDatabase {
  readonly dialect: SqlDialect;
  readonly db: Kysely<SqlSchema>;
  /** For logs and /ready: the SQLite file, or the PostgreSQL URL with the password masked. */
  readonly description: string;
  /** PostgreSQL only: the pool, for LISTEN connections and advisory locks held across statements. */
  readonly pool: pg.Pool | undefined;
  /** Answers when the database takes a query within `timeoutMs`, throws otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * PostgreSQL: closes every pooled connection now, idle or in use (their queries fail as
   * "Connection terminated", which answers 503), so the next queries open fresh ones. For a
   * database found unreachable (DatabaseAvailability): a connection cut without a FIN or RST
   * (a lost node or link) never answers again, and nothing else would ever close it.
   */
  dropConnections(): void;
  close(): Promise<void>;
}

// BIGINT (int8) and COUNT(*) come back from node-postgres as strings; our values are
// millisecond times and counts, far below 2^53, so numbers are exact and match SQLite's.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

/** Distinct SQL texts kept prepared (values are bound parameters, so the texts are few). */
const MAX_REUSED_STATEMENTS = 1_000;
/**
 * How long a query waits for a pooled connection (all in use, or a new one not opening)
 * before it fails: a load balancer's request timeout is commonly 30 to 60 s, and the client
 * should hear the 503 and try another replica well before that.
 */
export const POOL_WAIT_MS = 10_000;

/**
 * Kysely's SQLite driver prepares every statement it runs, and for the small indexed
 * lookups each request makes (the session and user checks of authentication) preparing
 * costs more than running. Statements are kept by their SQL text, at most
 * MAX_REUSED_STATEMENTS (the oldest goes first); one still being iterated (a streamed
 * query) is never handed out again until it is done: a fresh one is prepared instead.
 * better-sqlite3 runs everything else to completion synchronously, so sharing is safe.
 */
function reusedStatements(sqlite: Db): (text: string) => ReturnType<Db['prepare']> {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  return (text) => {
    const kept = statements.get(text);
    if (kept && !kept.busy) return kept;
    const statement = sqlite.prepare(text);
    if (!kept) {
      statements.set(text, statement);
      if (statements.size > MAX_REUSED_STATEMENTS) statements.delete(statements.keys().next().value!);
    }
    return statement;
  };
}

/**
 * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL: a full disk), and
 * Kysely's own ROLLBACK after it then fails ("cannot rollback - no transaction is active")
 * and is thrown instead of the real error: a write refused for lack of space answered 500
 * "Internal error." rather than 507 E_STORAGE_FULL. No transaction left, no rollback sent.
 */
class RollbackSafeSqliteDialect extends SqliteDialect {
  readonly #sqlite: Db;
  constructor(config: SqliteDialectConfig, sqlite: Db) {
    super(config);
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    const driver = super.createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection) => {
      if (this.#sqlite.inTransaction) await rollback(connection);
    };
    return driver;
  }
}

/**
 * Opens the query layer. On SQLite it shares the server's better-sqlite3 connection (the one
 * the synchronous stores use), so both layers see one file and one transaction order: a
 * Kysely transaction only awaits its own statements, which better-sqlite3 runs synchronously,
 * so no other request's statements can land inside it. Closing it leaves that connection open.
 */
export function openSqlDatabase(settings: DatabaseSettings, sqlite: Db, options: { poolSize?: number } = {}): SqlDatabase {
  if (settings.dialect === 'sqlite') {
    const shared = { prepare: reusedStatements(sqlite), close: () => undefined };
    // Inside a scoped transaction (transaction-scope.ts) every statement goes to it.
    const db = ambient(new Kysely<SqlSchema>({ dialect: new RollbackSafeSqliteDialect({ database: shared }, sqlite) }));
    return {
      dialect: 'sqlite',
      db,
      description: settings.file,
      pool: undefined,
      async ping() {
        sqlite.prepare('SELECT 1').get();
      },
      dropConnections: () => undefined,
      close: () => db.destroy(),
    };
  }
  // sslmode and application_name travel in the URL; node-postgres reads them from there.
  const pool = new pg.Pool({
    connectionString: settings.connectionString,
    max: options.poolSize ?? 10,
    types: pgTypes,
    // A lost database must surface as failed queries (503), not as requests hanging forever;
    // so must a pool whose every connection slow requests hold (503 "busy", error-handler.ts).
    connectionTimeoutMillis: POOL_WAIT_MS,
    idleTimeoutMillis: 30_000,
  });
  // The pings (/ready, DatabaseAvailability) have a connection of their own: behind slow
  // requests holding every pooled one they waited their turn, timed out, and a database that
  // answered all along was taken for lost (its connections cut, the slow requests failed).
  const pingPool = new pg.Pool({ connectionString: settings.connectionString, max: 1, types: pgTypes, connectionTimeoutMillis: POOL_WAIT_MS, idleTimeoutMillis: 30_000 });
  // An idle connection dropped by the server (restart, failover) is an event, not a crash;
  // the next query opens a new one.
  for (const each of [pool, pingPool]) each.on('error', () => undefined);
  // The same for a connection in use: pg-pool takes its own listener off a client while it
  // is checked out (a Kysely query or transaction), and a client whose socket dies then
  // emits 'error' with no listener, an uncaught exception that ends the process (a CI run
  // saw it as PostgreSQL stopped under a test). Its queries fail on their own; the pool
  // drops it when it is released, as it is no longer queryable.
  // Every connection the pools hold, for dropConnections (pg-pool keeps its own list private).
  const clients = new Set<pg.PoolClient>();
  const pingClients = new Set<pg.PoolClient>();
  for (const [each, held] of [[pool, clients], [pingPool, pingClients]] as const) {
    each.on('connect', (client) => client.on('error', () => undefined));
    each.on('connect', (client) => held.add(client));
    each.on('remove', (client) => held.delete(client as pg.PoolClient));
  }
  // Inside a scoped transaction (transaction-scope.ts) every statement goes to it.
  const db = ambient(new Kysely<SqlSchema>({ dialect: new PostgresDialect({ pool }) }));
  return {
    dialect: 'postgres',
    db,
    description: settings.redacted,
    pool,
    async ping(timeoutMs = 3_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([pingPool.query('SELECT 1'), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    dropConnections() {
      // The socket itself: client.end() on an idle client sends Terminate and waits for an
      // answer that a silent link never brings. A destroyed socket fails the client's queries
      // at once and the pool removes the client (an idle one now, one in use when released).
      for (const client of [...clients, ...pingClients]) destroySocket(client);
      clients.clear();
      pingClients.clear();
    },
    close: async () => {
      await db.destroy();
      // A ping hung on a silent link would hold pingPool.end() forever; a ping has nothing to
      // finish, so its socket is simply closed.
      for (const client of pingClients) destroySocket(client);
      await pingPool.end();
    },
  };
}

/** Fails the client's queries at once; the pool removes it (an idle one now, one in use when released). */
function destroySocket(client: pg.PoolClient): void {
  (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
}
