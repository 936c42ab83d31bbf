import type { GroupingOverride, GroupingPolicyView, IncidentGroupingSettings } from '../../../shared/api/incident-grouping.ts';
import { AppError } from '../../../shared/errors.ts';
import { parseGroupBy } from '../../../shared/incidents/group-by.ts';
import type { AuditLog } from '../audit/store.ts';
import type { Actor } from '../core/actor.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { GroupingPolicy } from './grouping.ts';

interface Row {
  group_by: string | null;
  window_minutes: number | null;
  auto_resolve: number | null;
  updated_by: string;
  updated_at: number;
}

const NO_OVERRIDE: GroupingOverride = { groupBy: null, windowMinutes: null, autoResolve: null };

function viewOf(policy: GroupingPolicy): GroupingPolicyView {
  return { groupBy: [...policy.groupBy], windowMinutes: policy.windowMs / 60_000, autoResolve: policy.autoResolve };
}

/** `service | job` and `service|job` are one entry; a label named twice is refused. */
function normalise(groupBy: readonly string[]): string[] {
  const parsed = parseGroupBy(groupBy.join(','));
  if (!parsed.ok) throw new AppError('E_VALIDATION', `Group-by: ${parsed.error}.`, { groupBy });
  return parsed.entries;
}

/** How often a replica on PostgreSQL re-reads the saved grouping (the staleness bound of another replica's change). */
export const GROUPING_REFRESH_MS = 5_000;

/**
 * The grouping policy the linker applies: the defaults it was started with (environment or
 * built in), overridden part by part by what an admin saved (`incident_grouping_settings`,
 * on the query layer: shared by every replica on PostgreSQL). The effective policy is kept
 * in memory, so the ingest path reads a field, not the database: replaced at once on a save
 * through this replica, and re-read every `refreshMs` on PostgreSQL, so a save through
 * another replica applies here within that bound (GROUPING_REFRESH_MS by default).
 */
export class GroupingSettings {
  readonly #sql: SqlDatabase;
  readonly #defaults: GroupingPolicy;
  readonly #audit: AuditLog;
  readonly #now: () => number;
  readonly #refreshMs: number;
  #row: Row | undefined;
  #policy: GroupingPolicy;
  #timer: NodeJS.Timeout | undefined;
  /** Bumped by every save here, so a read that started before it cannot put the older row back. */
  #saves = 0;

  constructor(sql: SqlDatabase, defaults: GroupingPolicy, audit: AuditLog, now: () => number, refreshMs = GROUPING_REFRESH_MS) {
    this.#sql = sql;
    this.#defaults = defaults;
    this.#audit = audit;
    this.#now = now;
    this.#refreshMs = refreshMs;
    this.#policy = this.#effective();
  }

  /** Reads the saved override (at start-up, then on the refresh schedule). */
  async load(): Promise<void> {
    const saves = this.#saves;
    const row = await this.#sql.db.selectFrom('incident_grouping_settings').selectAll().where('id', '=', 1).executeTakeFirst();
    if (saves !== this.#saves) return;
    this.#row = row && { group_by: row.group_by, window_minutes: row.window_minutes, auto_resolve: row.auto_resolve, updated_by: row.updated_by, updated_at: Number(row.updated_at) };
    this.#policy = this.#effective();
  }

  /**
   * Loads, then on PostgreSQL keeps re-reading, since another replica may save. On SQLite
   * this process is the only writer, so the copy saved by `replace` is always current.
   */
  async start(): Promise<void> {
    await this.load();
    if (this.#sql.dialect !== 'postgres' || this.#refreshMs <= 0) return;
    this.#timer = setInterval(() => {
      // A failed read (database briefly away) keeps the last policy; the next tick retries.
      this.load().catch(() => undefined);
    }, this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** What alerts are grouped with now. */
  get policy(): GroupingPolicy {
    return this.#policy;
  }

  /** Read from the database, so the page shows what another replica saved without waiting for the refresh. */
  async view(): Promise<IncidentGroupingSettings> {
    await this.load();
    return this.#viewNow();
  }

  #viewNow(): IncidentGroupingSettings {
    return {
      effective: viewOf(this.#policy),
      defaults: viewOf(this.#defaults),
      override: this.#override(),
      updatedBy: this.#row?.updated_by ?? null,
      updatedAt: this.#row?.updated_at ?? null,
    };
  }

  /** Saves every part of the override (null: follow the default) and audits the change. */
  async replace(input: GroupingOverride, actor: Actor): Promise<IncidentGroupingSettings> {
    const override: GroupingOverride = { ...input, groupBy: input.groupBy === null ? null : normalise(input.groupBy) };
    const before = (await this.view()).override;
    const now = this.#now();
    const values = {
      group_by: override.groupBy === null ? null : JSON.stringify(override.groupBy),
      window_minutes: override.windowMinutes,
      auto_resolve: override.autoResolve === null ? null : Number(override.autoResolve),
      updated_by: actor.name,
      updated_at: now,
    };
    const previous = { row: this.#row, policy: this.#policy };
    try {
      // The settings and their audit entry commit together (db/sql/transaction-scope.ts).
      await transaction(this.#sql, async () => {
        await this.#sql.db
          .insertInto('incident_grouping_settings')
          .values({ id: 1, ...values })
          .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
          .execute();
        this.#saves += 1;
        this.#row = values;
        this.#policy = this.#effective();
        this.#audit.record({
          actor: actor.name,
          actorKind: actor.kind,
          action: 'incident.grouping_update',
          target: 'incident-grouping',
          outcome: 'success',
          ip: actor.ip ?? null,
          details: { before, after: override, effective: viewOf(this.#policy) },
        });
      });
    } catch (error) {
      // Rolled back: the copy in memory goes back to what is stored.
      this.#row = previous.row;
      this.#policy = previous.policy;
      throw error;
    }
    return this.#viewNow();
  }

  #override(): GroupingOverride {
    const row = this.#row;
    if (!row) return { ...NO_OVERRIDE };
    return {
      groupBy: row.group_by === null ? null : (JSON.parse(row.group_by) as string[]),
      windowMinutes: row.window_minutes,
      autoResolve: row.auto_resolve === null ? null : row.auto_resolve === 1,
    };
  }

  #effective(): GroupingPolicy {
    const override = this.#override();
    return {
      groupBy: override.groupBy ?? this.#defaults.groupBy,
      windowMs: override.windowMinutes !== null ? override.windowMinutes * 60_000 : this.#defaults.windowMs,
      autoResolve: override.autoResolve ?? this.#defaults.autoResolve,
    };
  }
}
