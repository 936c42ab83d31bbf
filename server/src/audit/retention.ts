import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Leadership } from '../db/sql/leadership.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { AuditLog } from './store.ts';

const DAY_MS = 86_400_000;

/** Entries deleted per transaction: a few milliseconds of the database each, never one huge transaction. */
export const PRUNE_BATCH_ROWS = 1_000;
/** How often the leader looks for entries past their retention. */
export const PRUNE_INTERVAL_MS = 60 * 60_000;
/** The first pass after start-up waits this long, so a restart loop does not prune in a loop. */
export const FIRST_PRUNE_DELAY_MS = 60_000;

export interface AuditRetentionOptions {
  sql: SqlDatabase;
  audit: AuditLog;
  now: () => number;
  leadership: Leadership;
  log: Pick<Logger, 'error' | 'info'>;
  /** SMARTCLOUDOPS_AUDIT_RETENTION_DAYS; 0 keeps every entry (nothing runs). */
  retentionDays: number;
  batchRows?: number;
  intervalMs?: number;
  firstDelayMs?: number;
}

export interface PrunePass {
  deleted: number;
  /** Entries with `ts` below this (Unix ms) were let go of. */
  before: number;
}

/**
 * The audit log's retention (docs/server.md, "Audit log"): entries older than the retention
 * are deleted in small batches by the leader of scheduled work (one replica), each batch a
 * transaction of its own, yielding to requests in between. The log's delete trigger lets a
 * row go only under a permit the batch writes and removes in its own transaction (migration
 * 075), bounded by the pass's cutoff. A pass that deleted something records one `audit.prune`
 * entry (how many, up to when), committed with its last batch.
 */
export class AuditRetention {
  readonly #options: AuditRetentionOptions;
  readonly #batchRows: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PrunePass> | undefined;
  #stopped = false;

  constructor(options: AuditRetentionOptions) {
    this.#options = options;
    this.#batchRows = options.batchRows ?? PRUNE_BATCH_ROWS;
  }

  start(): void {
    if (this.#options.retentionDays <= 0) return;
    const tick = () => {
      this.#timer = setTimeout(tick, this.#options.intervalMs ?? PRUNE_INTERVAL_MS);
      this.#timer.unref();
      if (!this.#options.leadership.isLeader || this.#running) return;
      void this.pruneOnce().catch((error: unknown) => this.#options.log.error({ err: error }, 'audit retention: pruning failed; trying again at the next pass'));
    };
    this.#timer = setTimeout(tick, this.#options.firstDelayMs ?? FIRST_PRUNE_DELAY_MS);
    this.#timer.unref();
  }

  /** Stops the schedule and waits for a pass under way to end (after its current batch). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  /** One pass: deletes every entry older than the retention, batch by batch. */
  pruneOnce(): Promise<PrunePass> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #pass(): Promise<PrunePass> {
    const { retentionDays, now } = this.#options;
    const before = now() - retentionDays * DAY_MS;
    let deleted = 0;
    for (;;) {
      const batch = await this.#batch(before, deleted);
      deleted += batch;
      if (batch < this.#batchRows || this.#stopped) break;
      // Requests (and their audit entries) go first between two batches.
      await nextTurn();
    }
    if (deleted > 0) this.#options.log.info({ deleted, before }, 'audit retention: entries past their retention deleted');
    return { deleted, before };
  }

  /** Deletes up to a batch of entries older than `before`; the last batch of a pass records the pass. */
  async #batch(before: number, deletedSoFar: number): Promise<number> {
    const { sql: database, audit, retentionDays } = this.#options;
    return transaction(database, async (trx) => {
      // Batches of two replicas never interleave (a leadership change in the middle of a pass).
      if (database.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext('smartcloudops:audit-prune'))`.execute(trx);
      await trx.insertInto('audit_prune_permit').values({ before_ts: before }).execute();
      const result = await trx
        .deleteFrom('audit_log')
        .where('id', 'in', (eb) => eb.selectFrom('audit_log').select('id').where('ts', '<', before).orderBy('id').limit(this.#batchRows))
        .executeTakeFirst();
      await trx.deleteFrom('audit_prune_permit').execute();
      const count = Number(result.numDeletedRows);
      const total = deletedSoFar + count;
      if (total > 0 && (count < this.#batchRows || this.#stopped)) {
        audit.record({ actor: null, actorKind: 'system', action: 'audit.prune', outcome: 'success', details: { deleted: total, before, retentionDays } });
      }
      return count;
    });
  }
}
