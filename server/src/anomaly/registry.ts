import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { AnomalyModel, ModelState } from '../../../shared/api/anomaly.ts';
import type { Db } from '../db/database.ts';
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
   * `model` already deflated (as `deflateModel` does, off the request thread): without it
   * `add` deflates in its transaction, ~50 ms of a busy main thread per model.
   */
  deflated?: Uint8Array;
}

const deflateRawAsync = promisify(deflateRaw);

/** Deflates a model's bytes for storage on libuv's thread pool, not on the request thread. */
export async function deflateModel(model: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await deflateRawAsync(model));
}

interface Row {
  id: number;
  target: string;
  version: number;
  state: ModelState;
  created_at: number;
  created_by: string;
  trained_from: number;
  trained_to: number;
  train_rows: number;
  // Deflated JSON (packText), or JSON text in rows written before that.
  params: string | Uint8Array;
  score_distribution: string | Uint8Array;
  evaluation: string | Uint8Array;
  bytes: number;
  activated_at: number | null;
  retired_at: number | null;
  pruned_at: number | null;
  shadow_samples: number;
  shadow_agreements: number;
  shadow_alarms: number;
  shadow_active_alarms: number;
  shadow_abs_diff_sum: number;
}

const COLUMNS = `id, target, version, state, created_at, created_by, trained_from, trained_to, train_rows, params, score_distribution,
  evaluation, bytes, activated_at, retired_at, pruned_at, shadow_samples, shadow_agreements, shadow_alarms, shadow_active_alarms, shadow_abs_diff_sum`;

function toRecord(r: Row): ModelRecord {
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

/**
 * Model versions per target. At most one active model per target; promoting a candidate
 * retires the active one, rolling back re-activates the most recently retired one.
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
  readonly #db: Db;
  readonly #now: () => number;
  readonly #keepRetired: number;
  // Prepared once: scoring asks for a target's active model on every row until it has one.
  readonly #byId;
  readonly #inState;
  readonly #prune;

  constructor(db: Db, now: () => number, options: RegistryOptions = {}) {
    this.#db = db;
    this.#now = now;
    this.#keepRetired = options.keepRetired ?? 1;
    this.#prune = db.prepare(
      `UPDATE anomaly_models SET model = x'', pruned_at = @now
       WHERE target = @target AND pruned_at IS NULL AND state IN ('retired', 'failed')
         AND id NOT IN (SELECT id FROM anomaly_models WHERE target = @target AND state = 'retired' AND pruned_at IS NULL
                        ORDER BY retired_at DESC, version DESC LIMIT @keep)`,
    );
    this.#byId = db.prepare(`SELECT ${COLUMNS} FROM anomaly_models WHERE id = ?`);
    this.#inState = db.prepare(`SELECT ${COLUMNS} FROM anomaly_models WHERE target = ? AND state = ? ORDER BY version DESC LIMIT 1`);
  }

  add(model: NewModel, state: 'candidate' | 'active'): ModelRecord {
    return this.#db.transaction(() => {
      const version = (this.#db.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM anomaly_models WHERE target = ?').get(model.target) as { v: number }).v;
      const id = Number(
        this.#db
          .prepare(
            `INSERT INTO anomaly_models (target, version, state, created_at, created_by, trained_from, trained_to, train_rows, params, score_distribution, evaluation, model, bytes)
             VALUES (?, ?, 'candidate', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(model.target, version, this.#now(), model.createdBy, model.trainedFrom, model.trainedTo, model.trainRows, packText(JSON.stringify(model.params)),
            packText(JSON.stringify(model.scoreDistribution)), packText(JSON.stringify(model.evaluation)), model.deflated ?? deflateRawSync(model.model), model.model.length).lastInsertRowid,
      );
      if (state === 'active') this.#activate(id);
      this.prune(model.target);
      return this.byId(id)!;
    })();
  }

  byId(id: number): ModelRecord | undefined {
    const row = this.#byId.get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(target?: string): ModelRecord[] {
    const rows = (target
      ? this.#db.prepare(`SELECT ${COLUMNS} FROM anomaly_models WHERE target = ? ORDER BY target, version DESC`).all(target)
      : this.#db.prepare(`SELECT ${COLUMNS} FROM anomaly_models ORDER BY target, version DESC`).all()) as Row[];
    return rows.map(toRecord);
  }

  inState(target: string, state: ModelState): ModelRecord | undefined {
    const row = this.#inState.get(target, state) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** The model's serialized bytes (the service shares them with the workers). */
  bytesOf(id: number): Uint8Array | undefined {
    const row = this.#db.prepare('SELECT model FROM anomaly_models WHERE id = ?').get(id) as { model: Buffer } | undefined;
    return row ? storedModelBytes(row.model) : undefined;
  }

  /** Candidate (or a retired version that still has its model) -> active; the previous active model is retired. */
  promote(id: number): ModelRecord {
    this.#db.transaction(() => {
      const target = this.#activate(id);
      this.prune(target);
    })();
    return this.byId(id)!;
  }

  /** Retires the active model and re-activates the most recently retired one. */
  rollback(target: string): ModelRecord | undefined {
    return this.#db.transaction(() => {
      const active = this.inState(target, 'active');
      const previous = this.#db
        .prepare(`SELECT id FROM anomaly_models WHERE target = ? AND state = 'retired' AND pruned_at IS NULL ${active ? 'AND id != ?' : ''} ORDER BY retired_at DESC, version DESC LIMIT 1`)
        .get(...(active ? [target, active.id] : [target])) as { id: number } | undefined;
      if (!previous) return undefined;
      this.#activate(previous.id);
      this.prune(target);
      return this.byId(previous.id);
    })();
  }

  markFailed(id: number): void {
    this.#db.transaction(() => {
      this.#db.prepare("UPDATE anomaly_models SET state = 'failed', retired_at = ? WHERE id = ?").run(this.#now(), id);
      const target = this.#db.prepare('SELECT target FROM anomaly_models WHERE id = ?').pluck().get(id) as string | undefined;
      if (target !== undefined) this.prune(target);
    })();
  }

  /** Candidates still waiting beside a newer one are retired: one candidate per target. */
  retireCandidates(target: string): void {
    this.#db.transaction(() => {
      this.#db.prepare("UPDATE anomaly_models SET state = 'retired', retired_at = ? WHERE target = ? AND state = 'candidate'").run(this.#now(), target);
      this.prune(target);
    })();
  }

  /**
   * Drops the serialized model of the target's versions that neither score, shadow nor
   * serve a roll-back (see the class comment); returns how many it dropped. The pages they
   * used go back to the file system with the database's incremental vacuum.
   */
  prune(target: string): number {
    return this.#prune.run({ target, now: this.#now(), keep: this.#keepRetired }).changes;
  }

  /** `prune` for every target that has something to prune: at start-up, for a data folder written before pruning existed. */
  pruneAll(): number {
    const targets = this.#db.prepare("SELECT DISTINCT target FROM anomaly_models WHERE pruned_at IS NULL AND state IN ('retired', 'failed')").pluck().all() as string[];
    return this.#db.transaction(() => targets.reduce((sum, target) => sum + this.prune(target), 0))();
  }

  recordShadow(id: number, agree: boolean, candidateAlarm: boolean, activeAlarm: boolean, absDiff: number): void {
    this.#db
      .prepare(
        `UPDATE anomaly_models SET shadow_samples = shadow_samples + 1, shadow_agreements = shadow_agreements + ?,
           shadow_alarms = shadow_alarms + ?, shadow_active_alarms = shadow_active_alarms + ?, shadow_abs_diff_sum = shadow_abs_diff_sum + ? WHERE id = ?`,
      )
      .run(agree ? 1 : 0, candidateAlarm ? 1 : 0, activeAlarm ? 1 : 0, absDiff, id);
  }

  /** Makes the version active (retiring the active one); returns its target. */
  #activate(id: number): string {
    const now = this.#now();
    const target = (this.#db.prepare('SELECT target FROM anomaly_models WHERE id = ?').get(id) as { target: string }).target;
    this.#db.prepare("UPDATE anomaly_models SET state = 'retired', retired_at = ? WHERE target = ? AND state = 'active' AND id != ?").run(now, target, id);
    this.#db.prepare("UPDATE anomaly_models SET state = 'active', activated_at = ?, retired_at = NULL WHERE id = ?").run(now, id);
    return target;
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
