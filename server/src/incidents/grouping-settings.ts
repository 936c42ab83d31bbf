import type { GroupingOverride, GroupingPolicyView, IncidentGroupingSettings } from '../../../shared/api/incident-grouping.ts';
import { AppError } from '../../../shared/errors.ts';
import { parseGroupBy } from '../../../shared/incidents/group-by.ts';
import type { AuditLog } from '../audit/store.ts';
import type { Actor } from '../core/actor.ts';
import type { Db } from '../db/database.ts';
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

/**
 * The grouping policy the linker applies: the defaults it was started with (environment or
 * built in), overridden part by part by what an admin saved (`incident_grouping_settings`).
 * The effective policy is kept in memory and replaced on save, so the ingest path reads a
 * field, not the database.
 */
export class GroupingSettings {
  readonly #db: Db;
  readonly #defaults: GroupingPolicy;
  readonly #audit: AuditLog;
  readonly #now: () => number;
  #row: Row | undefined;
  #policy: GroupingPolicy;

  constructor(db: Db, defaults: GroupingPolicy, audit: AuditLog, now: () => number) {
    this.#db = db;
    this.#defaults = defaults;
    this.#audit = audit;
    this.#now = now;
    this.#row = db.prepare('SELECT * FROM incident_grouping_settings WHERE id = 1').get() as Row | undefined;
    this.#policy = this.#effective();
  }

  /** What alerts are grouped with now. */
  get policy(): GroupingPolicy {
    return this.#policy;
  }

  view(): IncidentGroupingSettings {
    return {
      effective: viewOf(this.#policy),
      defaults: viewOf(this.#defaults),
      override: this.#override(),
      updatedBy: this.#row?.updated_by ?? null,
      updatedAt: this.#row?.updated_at ?? null,
    };
  }

  /** Saves every part of the override (null: follow the default) and audits the change. */
  replace(input: GroupingOverride, actor: Actor): IncidentGroupingSettings {
    const override: GroupingOverride = { ...input, groupBy: input.groupBy === null ? null : normalise(input.groupBy) };
    const before = this.#override();
    const now = this.#now();
    this.#db
      .prepare(
        `INSERT INTO incident_grouping_settings (id, group_by, window_minutes, auto_resolve, updated_by, updated_at) VALUES (1, @groupBy, @windowMinutes, @autoResolve, @by, @now)
         ON CONFLICT (id) DO UPDATE SET group_by = excluded.group_by, window_minutes = excluded.window_minutes, auto_resolve = excluded.auto_resolve, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run({
        groupBy: override.groupBy === null ? null : JSON.stringify(override.groupBy),
        windowMinutes: override.windowMinutes,
        autoResolve: override.autoResolve === null ? null : Number(override.autoResolve),
        by: actor.name,
        now,
      });
    this.#row = this.#db.prepare('SELECT * FROM incident_grouping_settings WHERE id = 1').get() as Row;
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
    return this.view();
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
