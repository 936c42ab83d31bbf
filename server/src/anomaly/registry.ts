import { deflateRaw, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { AnomalyModel, ModelState } from '../../../shared/api/anomaly.ts';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { SqlDatabase } from '../db/sql/open.ts';
import type { AnomalyModelsTable, SqlSchema } from '../db/sql/schema.ts';
import { packText, unpackText } from '../db/packed-text.ts';

export type { ModelState } from '../../../shared/api/anomaly.ts';
export type ModelRecord = AnomalyModel;

export interface NewModel {
  target: string;
  createdBy: string;
  trainedFrom: number;
  trainedTo: number;
  trainRows: number;
  params: Record<string, unknown>;
  scoreDistribution: ModelRecord['scoreDistribution'];
  evaluation: Record<string, unknown>;
  model: Uint8Array;
  /**
   * `model` already deflated (`deflateModel`); without it `add` deflates it first (on the
   * thread pool, before its transaction).
   */
  deflated?: Uint8Array;
}

const deflateRawAsync = promisify(deflateRaw);

/** Deflates a model's bytes for storage on libuv's thread pool, not on the request thread. */
export async function deflateModel(model: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await deflateRawAsync(model));
}

type Row = Selectable<AnomalyModelsTable>;

/** Every column but the model's bytes: what a listing or a lookup reads. */
const COLUMNS = [
  'id', 'target', 'version', 'state', 'created_at', 'created_by', 'trained_from', 'trained_to', 'train_rows', 'params', 'score_distribution',
  'evaluation', 'bytes', 'activated_at', 'retired_at', 'pruned_at', 'shadow_samples', 'shadow_agreements', 'shadow_alarms', 'shadow_active_alarms', 'shadow_abs_diff_sum',
] as const;

function toRecord(r: Omit<Row, 'model'>): ModelRecord {
  return {
    id: r.id,
    target: r.target,
    version: r.version,
    state: r.state,
    createdAt: r.created_at,
    createdBy: r.created_by,
    trainedFrom: r.trained_from,
    trainedTo: r.trained_to,
    trainRows: r.train_rows,
    params: JSON.parse(unpackText(r.params)),
    scoreDistribution: JSON.parse(unpackText(r.score_distribution)),
    evaluation: JSON.parse(unpackText(r.evaluation)),
    bytes: r.bytes,
    activatedAt: r.activated_at,
    retiredAt: r.retired_at,
    prunedAt: r.pruned_at,
    shadow: {
      samples: r.shadow_samples,
      agreement: r.shadow_samples > 0 ? r.shadow_agreements / r.shadow_samples : null,
      candidateAlarms: r.shadow_alarms,
      activeAlarms: r.shadow_active_alarms,
      meanAbsScoreDiff: r.shadow_samples > 0 ? r.shadow_abs_diff_sum / r.shadow_samples : null,
    },
  };
}

export interface RegistryOptions {
  /** Retired versions per target that keep their model for roll-back (newest retired first). Default 1. */
  keepRetired?: number;
}

type Trx = Transaction<SqlSchema>;

/** What a pruned version keeps of its model: nothing. */
const NO_MODEL = new Uint8Array(0);

/**
 * Model versions per target, on the query layer (SQLite, or PostgreSQL shared by every
 * replica: a target moved to another replica scores on with the model it had). At most one
 * active model per target; promoting a candidate retires the active one, rolling back
 * re-activates the most recently retired one. On PostgreSQL every change of a target's
 * versions holds a transaction lock on the target, so two replicas changing one target
 * (a growth refit on its owner, a promotion through another) take turns.
 *
 * Every change prunes the target's versions in the same transaction: the active model, the
 * candidate in shadow and the newest `keepRetired` retired ones (what roll-back goes back
 * to) keep their serialized model; older retired and failed versions lose it but keep
 * their row (the history the admin view lists, the anomaly events that name the version).
 * A back-fill refits each host several times as its history grows, and kept whole those
 * versions were half of the data folder (`bench:peer`). The JSON columns (parameters,
 * score quantiles, evaluation: ~4 KB a version) are stored deflated too.
 */
export class ModelRegistry {
  readonly #sql: SqlDatabase;
  readonly #now: () => number;
  readonly #keepRetired: number;

  constructor(sql: SqlDatabase, now: () => number, options: RegistryOptions = {}) {
    this.#sql = sql;
    this.#now = now;
    this.#keepRetired = options.keepRetired ?? 1;
  }

  async add(model: NewModel, state: 'candidate' | 'active'): Promise<ModelRecord> {
    // Packed before the transaction: only queries are awaited inside one.
    const params = packText(JSON.stringify(model.params));
    const scoreDistribution = packText(JSON.stringify(model.scoreDistribution));
    const evaluation = packText(JSON.stringify(model.evaluation));
    const bytes = model.deflated ?? (await deflateModel(model.model));
    const { result: id } = await this.#change(model.target, async (trx) => {
      const { v } = await trx
        .selectFrom('anomaly_models')
        .select((eb) => eb.fn.coalesce(eb.fn.max('version'), eb.lit(0)).as('v'))
        .where('target', '=', model.target)
        .executeTakeFirstOrThrow();
      const inserted = await trx
        .insertInto('anomaly_models')
        .values({
          target: model.target,
          version: Number(v) + 1,
          state: 'candidate',
          created_at: this.#now(),
          created_by: model.createdBy,
          trained_from: model.trainedFrom,
          trained_to: model.trainedTo,
          train_rows: model.trainRows,
          params,
          score_distribution: scoreDistribution,
          evaluation,
          model: bytes,
          bytes: model.model.length,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(inserted.id);
      if (state === 'active') await this.#activate(trx, model.target, id);
      return id;
    });
    return (await this.byId(id))!;
  }

  async byId(id: number): Promise<ModelRecord | undefined> {
    const row = await this.#sql.db.selectFrom('anomaly_models').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(target?: string): Promise<ModelRecord[]> {
    let query = this.#sql.db.selectFrom('anomaly_models').select(COLUMNS);
    if (target !== undefined) query = query.where('target', '=', target);
    return (await query.orderBy('target').orderBy('version', 'desc').execute()).map(toRecord);
  }

  async inState(target: string, state: ModelState): Promise<ModelRecord | undefined> {
    const row = await this.#sql.db.selectFrom('anomaly_models').select(COLUMNS).where('target', '=', target).where('state', '=', state).orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The model's serialized bytes (the service shares them with the workers). */
  async bytesOf(id: number): Promise<Uint8Array | undefined> {
    const row = await this.#sql.db.selectFrom('anomaly_models').select('model').where('id', '=', id).executeTakeFirst();
    return row ? storedModelBytes(row.model) : undefined;
  }

  /** Candidate (or a retired version that still has its model) -> active; the previous active model is retired. */
  async promote(id: number): Promise<ModelRecord> {
    const target = await this.#targetOf(id);
    if (target === undefined) throw new Error(`No model ${id}.`);
    await this.#change(target, (trx) => this.#activate(trx, target, id));
    return (await this.byId(id))!;
  }

  /** Retires the active model and re-activates the most recently retired one. */
  async rollback(target: string): Promise<ModelRecord | undefined> {
    const { result: restored } = await this.#change(target, async (trx) => {
      const active = await trx.selectFrom('anomaly_models').select('id').where('target', '=', target).where('state', '=', 'active').executeTakeFirst();
      let previous = trx.selectFrom('anomaly_models').select('id').where('target', '=', target).where('state', '=', 'retired').where('pruned_at', 'is', null);
      if (active) previous = previous.where('id', '!=', active.id);
      const row = await previous.orderBy('retired_at', 'desc').orderBy('version', 'desc').limit(1).executeTakeFirst();
      if (!row) return undefined;
      await this.#activate(trx, target, Number(row.id));
      return Number(row.id);
    });
    return restored === undefined ? undefined : this.byId(restored);
  }

  async markFailed(id: number): Promise<void> {
    const target = await this.#targetOf(id);
    if (target === undefined) return;
    await this.#change(target, async (trx) => {
      await trx.updateTable('anomaly_models').set({ state: 'failed', retired_at: this.#now() }).where('id', '=', id).execute();
    });
  }

  /** Candidates still waiting beside a newer one are retired: one candidate per target. */
  async retireCandidates(target: string): Promise<void> {
    await this.#change(target, async (trx) => {
      await trx.updateTable('anomaly_models').set({ state: 'retired', retired_at: this.#now() }).where('target', '=', target).where('state', '=', 'candidate').execute();
    });
  }

  /**
   * Drops the serialized model of the target's versions that neither score, shadow nor
   * serve a roll-back (see the class comment); returns how many it dropped. The pages they
   * used go back to the file system with the database's incremental vacuum.
   */
  async prune(target: string): Promise<number> {
    return (await this.#change(target, async () => undefined)).pruned;
  }

  /** `prune` for every target that has something to prune: at start-up, for a data folder written before pruning existed. */
  async pruneAll(): Promise<number> {
    const targets = await this.#sql.db.selectFrom('anomaly_models').select('target').distinct().where('pruned_at', 'is', null).where('state', 'in', ['retired', 'failed']).execute();
    let pruned = 0;
    for (const { target } of targets) pruned += await this.prune(target);
    return pruned;
  }

  async recordShadow(id: number, agree: boolean, candidateAlarm: boolean, activeAlarm: boolean, absDiff: number): Promise<void> {
    await this.#sql.db
      .updateTable('anomaly_models')
      .set((eb) => ({
        shadow_samples: eb('shadow_samples', '+', 1),
        shadow_agreements: eb('shadow_agreements', '+', agree ? 1 : 0),
        shadow_alarms: eb('shadow_alarms', '+', candidateAlarm ? 1 : 0),
        shadow_active_alarms: eb('shadow_active_alarms', '+', activeAlarm ? 1 : 0),
        shadow_abs_diff_sum: eb('shadow_abs_diff_sum', '+', absDiff),
      }))
      .where('id', '=', id)
      .execute();
  }

  async #targetOf(id: number): Promise<string | undefined> {
    return (await this.#sql.db.selectFrom('anomaly_models').select('target').where('id', '=', id).executeTakeFirst())?.target;
  }

  /** A change of the target's versions, then the pruning it allows, in one transaction. */
  async #change<T>(target: string, work: (trx: Trx) => Promise<T>): Promise<{ result: T; pruned: number }> {
    return this.#sql.db.transaction().execute(async (trx) => {
      if (this.#sql.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(hashtext(${`anomaly-model:${target}`}))`.execute(trx);
      const result = await work(trx);
      return { result, pruned: await this.#prune(trx, target) };
    });
  }

  async #prune(trx: Trx, target: string): Promise<number> {
    const kept = trx
      .selectFrom('anomaly_models')
      .select('id')
      .where('target', '=', target)
      .where('state', '=', 'retired')
      .where('pruned_at', 'is', null)
      .orderBy('retired_at', 'desc')
      .orderBy('version', 'desc')
      .limit(this.#keepRetired);
    const result = await trx
      .updateTable('anomaly_models')
      .set({ model: NO_MODEL, pruned_at: this.#now() })
      .where('target', '=', target)
      .where('pruned_at', 'is', null)
      .where('state', 'in', ['retired', 'failed'])
      .where('id', 'not in', kept)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Makes the version active, retiring the active one. */
  async #activate(trx: Trx, target: string, id: number): Promise<void> {
    const now = this.#now();
    await trx.updateTable('anomaly_models').set({ state: 'retired', retired_at: now }).where('target', '=', target).where('state', '=', 'active').where('id', '!=', id).execute();
    await trx.updateTable('anomaly_models').set({ state: 'active', activated_at: now, retired_at: null }).where('id', '=', id).execute();
  }
}

/** The engine's serialized models start with "SCAM"; a stored model without it is deflated. */
const MODEL_MAGIC = [0x53, 0x43, 0x41, 0x4d];

/**
 * Models are stored deflated (154 KB → ~42 KB: the forest's node table compresses well;
 * `bench:peer` kept 4 MiB of models for 20 targets). Rows written before that are stored
 * as they are, and bytes that neither read are passed on for the worker to refuse (a
 * model load failure, handled like any other).
 */
export function storedModelBytes(stored: Uint8Array): Uint8Array {
  if (MODEL_MAGIC.every((b, i) => stored[i] === b)) return new Uint8Array(stored);
  try {
    return new Uint8Array(inflateRawSync(stored));
  } catch {
    return new Uint8Array(stored);
  }
}
