import type { Selectable } from 'kysely';
import type { AuditEntry, AuditOutcome } from '../../../shared/api/audit.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { AuditLogTable } from '../db/sql/schema.ts';
import { statement, type SqlRunner } from '../db/sql/statement.ts';
import { currentTransaction } from '../db/sql/transaction-scope.ts';

export type { AuditEntry, AuditOutcome };

export interface AuditEntryInput {
  /** Username or API key name; null for anonymous (e.g. a failed login of an unknown user). */
  actor: string | null;
  actorKind: 'user' | 'apiKey' | 'anonymous' | 'system';
  /** Dotted verb, e.g. `auth.login`, `user.create`, `alert.acknowledge`. */
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: AuditOutcome;
  target?: string;
  from?: number;
  to?: number;
  /** Return entries with id below this (keyset paging, newest first). */
  before?: number;
  limit?: number;
}

type AuditRow = Omit<AuditLogTable, 'id'>;

/** Where a failed write is reported (the server's logger). */
export interface AuditErrorLog {
  error(details: object, message: string): void;
}

/**
 * A batch of one entry (nearly every batch: one request, one entry) as a statement compiled
 * once, rather than built and compiled by the query builder each time (~10 µs a request on
 * the alert receiver's path, docs/benchmarks.md "Alert ingest: the JavaScript per batch").
 */
const insertOne = statement(
  (db, ts: number, actor: string | null, actorKind: AuditRow['actor_kind'], action: string, target: string | null, outcome: AuditOutcome, ip: string | null, details: string | null) =>
    db.insertInto('audit_log').values({ ts, actor, actor_kind: actorKind, action, target, outcome, ip, details }),
  [0, null, 'system', '', null, 'success', null, null],
);

/** Entries written in one INSERT at most (a burst of records is written in a few statements). */
const BATCH_ROWS = 500;

async function insertRows(runner: SqlRunner, rows: readonly AuditRow[]): Promise<void> {
  const only = rows.length === 1 ? rows[0]! : undefined;
  if (only) await insertOne.run(runner, only.ts, only.actor, only.actor_kind, only.action, only.target, only.outcome, only.ip, only.details);
  else for (let at = 0; at < rows.length; at += BATCH_ROWS) await runner.db.insertInto('audit_log').values(rows.slice(at, at + BATCH_ROWS)).execute();
}

interface Batch {
  rows: AuditRow[];
  /** Settles when the batch is stored (or could not be). */
  done: Promise<void>;
}

/**
 * The append-only audit log (both databases refuse updates and deletes), on the shared query
 * layer: one log for every replica on PostgreSQL, read in one id order from any of them.
 *
 * `record()` keeps the synchronous signature every feature calls it with (from request
 * handlers, services and scheduled jobs alike): it takes the time and queues the entry, and
 * the queue writes entries in the order they were recorded, in batches, one batch at a time.
 * `flush()` waits until everything recorded before it is stored and fails if some of it
 * could not be; the HTTP layer awaits it before sending any response (app.ts, onSend), so an
 * answered request's audit entries are in the database, as when the insert was synchronous.
 * `query()` flushes first, so this replica reads its own entries.
 */
export class AuditLog {
  readonly #sql: SqlDatabase;
  readonly #now: () => number;
  readonly #log: AuditErrorLog | undefined;
  /** The batch still taking entries (not started writing). */
  #open: Batch | undefined;
  /** Batches not settled yet, for flush(). */
  readonly #unsettled = new Set<Promise<void>>();
  /** Ends when the last batch has settled: the next one starts after it, keeping the order. */
  #tail: Promise<void> = Promise.resolve();

  constructor(database: SqlDatabase, now: () => number = Date.now, log?: AuditErrorLog) {
    this.#sql = database;
    this.#now = now;
    this.#log = log;
  }

  record(entry: AuditEntryInput): void {
    const row: AuditRow = {
      ts: this.#now(),
      actor: entry.actor,
      actor_kind: entry.actorKind,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      ip: entry.ip ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    };
    // Inside a transaction (a unit of work, a store's transaction): the entry commits with
    // the action, or not at all if it rolls back; nothing to wait for after it.
    const scope = currentTransaction();
    if (scope) {
      scope
        .scratch(this, () => {
          const held: AuditRow[] = [];
          scope.beforeCommit(() => insertRows(scope.runner, held.splice(0)));
          // An action rolled back did not happen; a refusal or failure recorded in it still did.
          scope.afterRollback(() => {
            for (const kept of held.splice(0)) if (kept.outcome !== 'success') this.#enqueue(kept);
          });
          return held;
        })
        .push(row);
      return;
    }
    this.#enqueue(row);
  }

  #enqueue(row: AuditRow): void {
    if (this.#open && this.#open.rows.length < BATCH_ROWS) {
      this.#open.rows.push(row);
      return;
    }
    const batch = { rows: [row] } as Batch;
    this.#open = batch;
    batch.done = this.#tail.then(async () => {
      // From here on, entries recorded go to the next batch.
      if (this.#open === batch) this.#open = undefined;
      await insertRows(this.#sql, batch.rows);
    });
    this.#unsettled.add(batch.done);
    // The chain goes on whatever this batch's fate; a failure is logged here and reported
    // to whoever flushes (the request that recorded it answers with the error).
    this.#tail = batch.done.then(
      () => {
        this.#unsettled.delete(batch.done);
      },
      (error: unknown) => {
        this.#unsettled.delete(batch.done);
        this.#log?.error({ err: error, entries: batch.rows.length, actions: [...new Set(batch.rows.map((r) => r.action))] }, 'audit entries could not be stored');
      },
    );
  }

  /** Whether entries recorded so far are still being stored (flush() would wait). */
  get pending(): boolean {
    return this.#unsettled.size > 0;
  }

  /** Resolves when every entry recorded before the call is stored; rejects if one of them could not be. */
  async flush(): Promise<void> {
    if (this.#unsettled.size === 0) return;
    await Promise.all(this.#unsettled);
  }

  async query(q: AuditQuery): Promise<AuditEntry[]> {
    // Entries of this replica still queued would be missing otherwise; a failed write
    // is not this reader's error (it was reported to its request and logged).
    await this.flush().catch(() => undefined);
    let query = this.#sql.db.selectFrom('audit_log').selectAll();
    if (q.actor) query = query.where('actor', '=', q.actor);
    if (q.action) query = q.action.endsWith('*') ? query.where('action', 'like', `${q.action.slice(0, -1)}%`) : query.where('action', '=', q.action);
    if (q.outcome) query = query.where('outcome', '=', q.outcome);
    if (q.target) query = query.where('target', '=', q.target);
    if (q.from !== undefined) query = query.where('ts', '>=', q.from);
    if (q.to !== undefined) query = query.where('ts', '<=', q.to);
    if (q.before !== undefined) query = query.where('id', '<', q.before);
    const rows = await query.orderBy('id', 'desc').limit(Math.min(q.limit ?? 100, 10_000)).execute();
    return rows.map(entryOf);
  }

  /**
   * Every entry with `from <= ts <= to`, oldest first, a page of `pageRows` at a time
   * (keyset on id), so an export of any size holds one page in memory.
   */
  async *range(from: number | undefined, to: number | undefined, pageRows = 1_000): AsyncGenerator<AuditEntry[]> {
    await this.flush().catch(() => undefined);
    let after = 0;
    for (;;) {
      let query = this.#sql.db.selectFrom('audit_log').selectAll().where('id', '>', after);
      if (from !== undefined) query = query.where('ts', '>=', from);
      if (to !== undefined) query = query.where('ts', '<=', to);
      const rows = await query.orderBy('id', 'asc').limit(pageRows).execute();
      if (rows.length > 0) yield rows.map(entryOf);
      if (rows.length < pageRows) return;
      after = rows[rows.length - 1]!.id;
    }
  }
}

function entryOf(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    ts: row.ts,
    actor: row.actor,
    actorKind: row.actor_kind,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    ip: row.ip,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
  };
}
