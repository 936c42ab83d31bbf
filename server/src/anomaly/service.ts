import {
  DEFAULT_DETECTOR_OPTIONS,
  detectorFeatureSpec,
  detectorPostProcessOptions,
  FeatureBuilder,
  likelihoodThreshold,
  maxDetectorMetrics,
  PostProcessor,
  withMemberNote,
  type Explanation,
  type FeatureSpec,
  type ForestOptions,
  type ModelVerdict,
  type PostProcessOptions,
} from '../../../shared/anomaly/index.ts';
import type { AnomalyScoreEventData, AnomalyStatus, ExtremeWindowFinding, TrainingProgress } from '../../../shared/api/anomaly.ts';
import type { AnomalyEventData, AnomalyModelEventData, SampleEventData } from '../../../shared/api/stream.ts';
import type { ServerContext } from '../context.ts';
import { afterCommit, transaction } from '../db/sql/transaction-scope.ts';
import type { ScoringPool } from './pool.ts';
import { isModelLoadFailure } from './protocol.ts';
import { TARGET_LABELS, targetOf } from '../metrics/target.ts';
import type { TargetPage, TargetReads } from '../metrics/target-reads.ts';
import { deflateModel, type ModelRecord, type ModelRegistry } from './registry.ts';
import type { AnomalyEventStore } from './event-store.ts';
import type { AlarmSink } from '../core/alarm-sink.ts';
import { withSpan } from '../observability/tracing.ts';
import { CounterRates, isCumulativeName, rateKey } from '../../../shared/anomaly/counter-rates.ts';
import { TargetWindow } from './target-window.ts';
import { scoredSeries } from './wide-target.ts';
import type { SeriesRef } from '../metrics/store.ts';
import { FeatureBuffers } from './feature-buffers.ts';
import { extremeWindowOf } from './extreme-window.ts';
import type { TargetShare } from './target-share.ts';
import type { TargetProgress, TargetProgressStore } from './progress-store.ts';
import type { ReplicaBacklogStore } from './backlog-store.ts';
import { ClusterProgress } from './cluster-progress.ts';

/** A target's claim is still held by the replica that scored it before: its pages wait. */
class HeldElsewhere extends Error {}

export interface AnomalySettings {
  /** Rows (one per sample time) a target needs before its first model. */
  minTrainRows: number;
  /** Most recent rows a model is trained on. */
  trainWindow: number;
  /** Scheduled retraining (a candidate per target), ms; 0 turns it off. */
  retrainIntervalMs: number;
  /** A candidate is promoted by itself after this many shadow-scored samples... */
  shadowMinSamples: number;
  /** ...if its alarm decisions agreed with the active model's this often (1 = never by itself). */
  autoPromoteAgreement: number;
  falseAlarmRate: number;
  breakoutMargin: number | false;
  refractorySeconds: number;
  contamination: number;
  forest: ForestOptions;
  workers?: number;
  /**
   * Most sample times waiting to be scored (stored, behind the scoring cursors). Beyond it
   * ingest answers 503 with Retry-After until scoring catches up, so the unscored tail
   * stays bounded under sustained ingest. Memory does not grow with it: waiting samples
   * stay in the store and are read a page at a time.
   */
  maxBacklog?: number;
}

const DEFAULT_MAX_BACKLOG = 20_000;

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  minTrainRows: DEFAULT_DETECTOR_OPTIONS.minTrainRows,
  trainWindow: DEFAULT_DETECTOR_OPTIONS.trainWindow,
  retrainIntervalMs: 24 * 3_600_000,
  shadowMinSamples: 360,
  autoPromoteAgreement: 0.99,
  falseAlarmRate: DEFAULT_DETECTOR_OPTIONS.falseAlarmRate,
  breakoutMargin: DEFAULT_DETECTOR_OPTIONS.breakoutMargin,
  refractorySeconds: DEFAULT_DETECTOR_OPTIONS.refractorySeconds,
  contamination: 0.01,
  forest: { trees: 100, sampleSize: 256, seed: 1 },
};

interface RawRow {
  ts: number;
  values: Record<string, number>;
  seriesIds: number[];
}

/**
 * Per-model streaming state: the causal features and the post-processing that model's
 * scores go through, the engine's PostProcessor, the same code StreamingDetector (and so
 * the evaluation) runs.
 */
interface Scorer {
  model: ModelRecord;
  builder: FeatureBuilder;
  post: PostProcessor;
}

interface TargetState {
  /** The recent rows (up to the training window), as columns: what features and models are built from. */
  rows: TargetWindow;
  active?: Scorer;
  candidate?: Scorer;
  /** Serialises this target's work so its samples are scored in time order. */
  queue: Promise<void>;
  /** The scoring cursor: the time of the newest row consumed (scored, or kept for training). */
  cursor: number;
  /** The newest sample time heard of from the bus. */
  heard: number;
  /** Sample times heard of after the cursor, not read yet (an estimate until a page reaches the end). */
  waiting: number;
  /** More than a page waits: the target is back-filling, behind every live target. */
  behind: boolean;
  /** The last page did not reach the end of what is stored: read on. */
  more: boolean;
  /** A page of this target is being read and scored. */
  running: boolean;
  /** The registry was asked for the target's registered models (once, on its first row). */
  askedRegistry: boolean;
  /** The cursor and recent history were read from the store (before the target's first page). */
  prepared: boolean;
  /** Another replica owns the target now: its work ends here and the state goes. */
  dropped: boolean;
  /** Each counter's previous sample, as far as rows were read in time order (the window, then pages). */
  counters: CounterRates;
  /**
   * The series scoring reads (`scoredSeries`: all of a target's, or 84 of a very wide one),
   * chosen again only when the target's series count changes; `of` is that count.
   */
  scored?: { refs: SeriesRef[]; of: number };
}

type ScoredSample = AnomalyScoreEventData;
/** A scored sample and, for a seasonal member's alarm, the words its explanation leads with. */
interface Decided {
  result: ScoredSample;
  note: string | undefined;
  /** The metric whose range breakout raised the alarm: the worker's explanation leads with its words. */
  breakout: string | undefined;
  /** The metric a breakout, spike or seasonal alarm is about (the alert names it). */
  metric: string | undefined;
}

/**
 * The metric a sample belongs to within its target: name plus the labels other than the
 * target's; a counter's is its rate's key (`rate(requests_total)`), scored as its rate.
 */
export function metricKey(sample: Pick<SampleEventData, 'name' | 'labels'>): string {
  const rest = Object.entries(sample.labels)
    .filter(([k]) => !TARGET_LABELS.includes(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  const key = rest.length > 0 ? `${sample.name}{${rest.join(',')}}` : sample.name;
  return isCumulativeName(sample.name) ? rateKey(key) : key;
}

/** Most rows scored in one worker task (a back-fill is thousands of rows per target). */
const MAX_SCORE_BATCH = 512;
/** Rows a cursor reads from the store at once: the most a target holds in memory waiting to be scored. */
export const SCORING_PAGE_ROWS = MAX_SCORE_BATCH;

/**
 * How far ahead of the server's clock a sample time may be and still be scored on arrival.
 * The scoring cursor never passes now + this: a sample stamped in the far future (a clock
 * off by years, seconds sent as milliseconds) would otherwise move a target's cursor there,
 * and every later sample of the target, being older, would be stored and never scored.
 * Such a sample is stored and waits; it is scored once the clock reaches it.
 */
export const SCORING_FUTURE_TOLERANCE_MS = 10 * 60_000;

/** Models kept in shared memory for the workers (~150 KB each), at most. */
const MAX_SHARED_MODELS = 2_000;

/** What anomaly may use of the metrics feature: its tables stay the metrics feature's own. */
export type AnomalyMetrics = Pick<TargetReads, 'recentSamplesOfTarget' | 'samplesAfter' | 'firstSampleTs' | 'lastScoreTs' | 'setScores' | 'anomalyRate' | 'targetsBehind' | 'seriesOfTarget' | 'latestTimes'>;

/**
 * One model per target over that target's feature vector. Samples arrive from the event
 * bus; features, likelihood and refractory period are kept here per target (a few
 * arithmetic operations), fitting, scoring and explaining run in the worker pool.
 */
export class AnomalyService {
  readonly #ctx: ServerContext;
  readonly #registry: ModelRegistry;
  readonly #events: AnomalyEventStore;
  /** Where an alarm becomes an alert (the alerts feature's), awaited before the sample counts as scored. */
  readonly #alarms: AlarmSink;
  readonly #pool: ScoringPool;
  /** The worker pool, for status and for tests that kill a worker. */
  readonly pool: ScoringPool;
  readonly #settings: AnomalySettings;
  readonly #postOptions: PostProcessOptions;
  readonly #metrics: AnomalyMetrics;
  /** Model bytes shared with the workers (no copy per task); workers never open the database. */
  readonly #sharedModels = new Map<number, SharedArrayBuffer>();
  /** Feature rows of batch scoring tasks, reused (a page's features go by reference). */
  readonly #featureBuffers = new FeatureBuffers();
  readonly #targets = new Map<string, TargetState>();
  #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #loadFailures = 0;
  #scoringFailures = 0;
  /** Sum of the targets' `waiting`. */
  #waiting = 0;
  /** Rows read from the store and not scored yet (bounded by a page per running target). */
  #held = 0;
  /** Targets with live work (less than a page behind), in arrival order: they go first. */
  readonly #live = new Set<string>();
  /** Targets back-filling, served round-robin a page at a time when no live work waits. */
  readonly #behind = new Set<string>();
  #running = 0;
  #backfillRunning = 0;
  #stopped = false;
  /** A `#pump` is queued for the loop's next turn (`#pumpNextTurn`). */
  #pumpQueued = false;
  /** Called when scoring has nothing left to do (idle() waits on it). */
  #settled: Array<() => void> = [];
  readonly #metricKeys = new Map<number, string>();
  readonly #targetOfSeries = new Map<number, string>();
  /** Which targets this replica scores (all of them without one: a single server). */
  readonly #share: TargetShare | undefined;
  /** Targets whose claim this replica holds. */
  readonly #claimed = new Set<string>();
  /** Where the targets' progress and backlogs are shared with the other replicas (PostgreSQL only). */
  readonly #cluster: ClusterProgress | undefined;

  constructor(
    ctx: ServerContext,
    metrics: AnomalyMetrics,
    stores: { registry: ModelRegistry; events: AnomalyEventStore; alarms: AlarmSink; cluster?: { progress: TargetProgressStore; backlogs: ReplicaBacklogStore } },
    pool: ScoringPool,
    settings: AnomalySettings,
    share?: TargetShare,
  ) {
    this.#share = share;
    this.#cluster = stores.cluster
      ? new ClusterProgress(ctx, stores.cluster, {
          own: () => this.#ownProgress(),
          scores: (target) => this.#targets.has(target),
          waiting: () => this.#waiting,
        })
      : undefined;
    this.#ctx = ctx;
    this.#registry = stores.registry;
    this.#events = stores.events;
    this.#alarms = stores.alarms;
    this.#pool = pool;
    this.pool = pool;
    this.#settings = settings;
    this.#postOptions = detectorPostProcessOptions({ falseAlarmRate: settings.falseAlarmRate, refractorySeconds: settings.refractorySeconds });
    this.#metrics = metrics;
  }

  /**
   * A model's bytes in shared memory, read from the registry once: a task carries a
   * reference, not a copy, and a worker deserializes each model once. A model the registry
   * no longer has yields an empty buffer, which the worker reports as a load failure.
   */
  async #modelBytes(modelId: number): Promise<SharedArrayBuffer> {
    return this.#sharedModels.get(modelId) ?? this.#shareModel(modelId, (await this.#registry.bytesOf(modelId)) ?? new Uint8Array(0));
  }

  #shareModel(modelId: number, bytes: Uint8Array): SharedArrayBuffer {
    const shared = new SharedArrayBuffer(bytes.byteLength);
    new Uint8Array(shared).set(bytes);
    // Active and candidate models per target are few; older versions leave the cache.
    if (this.#sharedModels.size >= MAX_SHARED_MODELS) this.#sharedModels.delete(this.#sharedModels.keys().next().value!);
    this.#sharedModels.set(modelId, shared);
    return shared;
  }

  /**
   * Drops the shared bytes of models no target scores with any more. A back-fill refits each
   * target five times as its history doubles; each version's bytes stayed here (20 targets:
   * ~100 models, 20 MiB kept for good after bench:peer's load). A dropped model that is
   * needed again (explaining an old event) is read back from the registry.
   */
  #dropUnusedModels(): void {
    const inUse = new Set<number>();
    for (const state of this.#targets.values()) {
      if (state.active) inUse.add(state.active.model.id);
      if (state.candidate) inUse.add(state.candidate.model.id);
    }
    for (const id of this.#sharedModels.keys()) if (!inUse.has(id)) this.#sharedModels.delete(id);
  }

  start(): void {
    // Samples stored by any replica (on PostgreSQL the store is shared): each replica keeps
    // the targets it owns.
    const local = this.#ctx.events.subscribe((event) => {
      if (event.type === 'samples') this.#accept(event.data);
    });
    const remote = this.#ctx.events.subscribeRemote((event) => {
      if (event.type === 'samples') this.#accept(event.data);
      // A model change made through another replica (a promotion, a roll-back, a training):
      // the replica scoring the target takes it up.
      else if (event.type === 'anomaly_model') void this.reload(event.data.target).catch((error: unknown) => this.#ctx.log.error({ err: error, target: event.data.target }, 'anomaly models could not be reloaded'));
    });
    const rebalance = this.#share?.onChange(() => this.#rebalance());
    this.#unsubscribe = () => {
      local();
      remote();
      rebalance?.();
    };
    this.#cluster?.start();
    void this.#resumeStored();
    if (this.#settings.retrainIntervalMs > 0) {
      // One replica retrains on schedule (the leader of scheduled work), not each of them.
      this.#timer = setInterval(() => {
        if (this.#ctx.leadership.isLeader) void withSpan('job anomaly-retrain', { attributes: { 'smartcloudops.job': 'anomaly-retrain' } }, () => this.retrainAll());
      }, this.#settings.retrainIntervalMs);
      this.#timer.unref();
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearInterval(this.#timer);
    this.#settle();
    await Promise.allSettled([...this.#targets.values()].map((t) => t.queue));
    await this.#cluster?.stop();
  }

  /** This replica's targets: training progress and status entry each. */
  #ownProgress(): TargetProgress[] {
    const statuses = new Map(this.status().targets.map((t) => [t.target, t]));
    return this.training().map((progress) => ({ progress, status: statuses.get(progress.target)! }));
  }

  /** `status()` of the cluster: this replica's targets and those the others score (PostgreSQL). */
  async clusterStatus(): Promise<AnomalyStatus> {
    const own = this.status();
    const others = ((await this.#cluster?.others()) ?? []).map((t) => t.status);
    return { ...own, targets: [...own.targets, ...others].sort((a, b) => a.target.localeCompare(b.target)) };
  }

  /** `training()` of the cluster: this replica's targets and those the others score (PostgreSQL). */
  async clusterTraining(): Promise<TrainingProgress[]> {
    const others = ((await this.#cluster?.others()) ?? []).map((t) => t.progress);
    return [...this.training(), ...others].sort((a, b) => a.target.localeCompare(b.target));
  }

  /**
   * Sample times stored and not scored yet (`waiting`, read from the store by the scoring
   * cursors), the bound beyond which ingest sheds, and the rows held in memory meanwhile
   * (`held`: at most a page per target being scored, however far behind scoring is).
   */
  get backlog(): { waiting: number; max: number; held: number; behindTargets: number } {
    return { waiting: this.#waiting, max: this.#settings.maxBacklog ?? DEFAULT_MAX_BACKLOG, held: this.#held, behindTargets: this.#behind.size };
  }

  /**
   * A scoring backlog is full, this replica's or (PostgreSQL) another's, as it reported
   * within the last second or so: writers should back off (ingest sheds with 503). Any
   * replica's ingest feeds the targets every replica scores, so every replica sheds.
   */
  get overloaded(): boolean {
    const max = this.#settings.maxBacklog ?? DEFAULT_MAX_BACKLOG;
    return this.#waiting >= max || (this.#cluster?.othersWaiting ?? 0) >= max;
  }

  /** The alarm threshold every stored score is compared with. */
  get threshold(): number {
    return likelihoodThreshold(this.#settings.falseAlarmRate);
  }

  /** Resolves when every sample received so far has been scored, back-fill included (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#running > 0 || ((this.#live.size > 0 || this.#behind.size > 0) && !this.#stopped)) {
        await new Promise<void>((resolve) => this.#settled.push(resolve));
        continue;
      }
      const pending = [...this.#targets.values()].map((t) => t.queue);
      await Promise.allSettled(pending);
      const changed = [...this.#targets.values()].some((t, i) => t.queue !== pending[i]);
      if (!changed && this.#running === 0 && (this.#stopped || (this.#live.size === 0 && this.#behind.size === 0))) return;
    }
  }

  status() {
    return {
      targets: [...this.#targets.entries()].map(([target, t]) => ({
        target,
        rows: t.rows.length,
        activeModelId: t.active?.model.id ?? null,
        candidateModelId: t.candidate?.model.id ?? null,
        scoredBy: this.#ctx.replicaId,
        // A very wide target is scored on some of its series (the model's params.metrics say which): said only then.
        ...(t.scored && t.scored.refs.length < t.scored.of ? { series: t.scored.of, scoredSeries: t.scored.refs.length } : {}),
      })),
      pool: this.#pool.stats(),
      modelLoadFailures: this.#loadFailures,
      scoringFailures: this.#scoringFailures,
    };
  }

  /**
   * Per target, how far its model is: samples held against those needed, when the first
   * model is expected (from the recent sample interval), and whether the window the model
   * learns from was saturated (so it may have learned the saturation as normal).
   */
  training(): TrainingProgress[] {
    return [...this.#targets.entries()]
      .map(([target, t]) => {
        const samples = t.rows.length;
        const required = this.#settings.minTrainRows;
        const interval = sampleIntervalOf(t.rows.recentTimes(50));
        const model = t.active?.model;
        const lastTs = t.rows.lastTs;
        const readyAt = !model && interval !== null && lastTs !== undefined ? lastTs + Math.max(0, required - samples) * interval : null;
        // A released window (its model failed since) is read back by the next training.
        const learned = model ? (model.evaluation.extremeWindow as ExtremeWindowFinding[] | undefined) ?? [] : t.rows.released ? [] : extremeWindowOf(t.rows);
        return {
          target,
          state: model ? ('ready' as const) : ('learning' as const),
          samples,
          required,
          window: this.#settings.trainWindow,
          sampleIntervalMs: interval,
          readyAt,
          activeModelId: model?.id ?? null,
          activeModelVersion: model?.version ?? null,
          trainedRows: model?.trainRows ?? null,
          extremeWindow: learned,
        };
      })
      .sort((a, b) => a.target.localeCompare(b.target));
  }

  /** Trains a model for the target now: active if it has none, otherwise a candidate shadowing the active one. */
  async train(target: string, by: string): Promise<ModelRecord | undefined> {
    if (this.#share && !this.#share.mine(target)) return this.#trainForOwner(target, by);
    const state = this.#targets.get(target);
    if (!state || state.rows.length < 2) return undefined;
    return this.#enqueue(state, async () => {
      const record = await this.#train(target, state, by);
      // Read back for this training: a quiet target need not hold them until its next page.
      this.#releaseRows(state);
      return record;
    });
  }

  /**
   * Training asked of a replica that does not score the target: the model is fitted here on
   * the target's recent history read from the store (shared on PostgreSQL), registered as a
   * candidate beside the active model (active when there is none), and the `anomaly_model`
   * event tells the replica scoring the target to take it up.
   */
  async #trainForOwner(target: string, by: string): Promise<ModelRecord | undefined> {
    const state = this.#firstSight(target, false);
    await this.#loadHistory(target, state, Number.MAX_SAFE_INTEGER);
    if (state.rows.length < 2) return undefined;
    const active = await this.#registry.inState(target, 'active');
    return this.#train(target, state, by, false, active === undefined);
  }

  /** Makes a registry change (promote, rollback) take effect on live scoring, on whichever replica scores the target. */
  async modelChanged(change: AnomalyModelEventData): Promise<void> {
    this.#ctx.events.publish({ type: 'anomaly_model', data: change });
    await this.reload(change.target);
  }

  async retrainAll(): Promise<void> {
    for (const target of this.#targets.keys()) {
      try {
        await this.train(target, 'schedule');
      } catch (error) {
        this.#ctx.log.error({ err: error, target }, 'scheduled anomaly retraining failed');
      }
    }
  }

  /** Makes a registry change (promote, rollback) take effect on live scoring, if this replica scores the target. */
  async reload(target: string): Promise<void> {
    const state = this.#targets.get(target);
    if (!state) return;
    await this.#enqueue(state, async () => {
      await this.#loadRegistered(target, state);
      this.#releaseRows(state);
    });
  }

  /**
   * Live scorers for the target's registered active and candidate models. An active model
   * that cannot load is marked failed and the previous one restored (a target is never left
   * unscored because of one bad model; with none left, the next sample trains a new one);
   * a candidate that cannot load is marked failed and dropped.
   */
  async #loadRegistered(target: string, state: TargetState): Promise<void> {
    state.active = undefined;
    for (let active = await this.#registry.inState(target, 'active'); active && !state.active; ) {
      state.active = await this.#tryScorer(target, active, state);
      if (!state.active) {
        active = await this.#registry.rollback(target);
        if (active) this.#announce(target, active.id, 'rolled_back');
      }
    }
    const candidate = await this.#registry.inState(target, 'candidate');
    state.candidate = candidate && state.active ? await this.#tryScorer(target, candidate, state) : undefined;
    this.#dropUnusedModels();
  }

  async #tryScorer(target: string, model: ModelRecord, state: TargetState): Promise<Scorer | undefined> {
    try {
      return await this.#scorer(target, model, state);
    } catch (error) {
      if (!isModelLoadFailure(error)) throw error;
      this.#loadFailures++;
      this.#ctx.log.error({ err: error, target, modelId: model.id }, 'anomaly model failed to load; marking it failed');
      await this.#markFailed(target, model.id);
      return undefined;
    }
  }

  /**
   * Hears of new samples. Nothing of them is kept: the bus says which targets have new
   * times, and each target's cursor reads them from the store in pages (complete rows,
   * however an ingest ordered its series), so a back-fill of any size is scored in full
   * with memory bounded by a page.
   */
  #accept(samples: SampleEventData[]): void {
    const heard = new Map<string, { before: number; times: Set<number> }>();
    const others = new Set<string>();
    // Times beyond the cursors' horizon are not due yet: nothing waits for them (#runPage).
    const horizon = this.#horizon();
    for (const sample of samples) {
      if (sample.ts > horizon) continue;
      let target = this.#targetOfSeries.get(sample.seriesId);
      if (target === undefined) this.#targetOfSeries.set(sample.seriesId, (target = targetOf(sample.labels)));
      if (others.has(target)) continue;
      let entry = heard.get(target);
      if (!entry) {
        if (this.#share && !this.#share.mine(target)) {
          others.add(target);
          continue;
        }
        const state = this.#targets.get(target) ?? this.#firstSight(target);
        heard.set(target, (entry = { before: Math.max(state.heard, state.cursor), times: new Set() }));
      }
      if (sample.ts > entry.before) entry.times.add(sample.ts);
    }
    for (const [target, { times }] of heard) {
      const state = this.#targets.get(target)!;
      if (times.size === 0) continue;
      for (const ts of times) if (ts > state.heard) state.heard = ts;
      state.waiting += times.size;
      this.#waiting += times.size;
      this.#schedule(target, state);
    }
    this.#pump();
  }

  /**
   * At start-up, targets with stored samples after their last score (a server stopped in
   * the middle of a back-fill, samples stored while scoring was behind) are back-filled at
   * once, not when their next sample arrives: a target that has gone quiet would otherwise
   * keep its unscored tail for good. They go in the back-fill set, behind live work.
   */
  async #resumeStored(): Promise<void> {
    let targets: string[];
    try {
      targets = await this.#metrics.targetsBehind();
    } catch (error) {
      // The store is away (PostgreSQL): each target still resumes with its next sample.
      this.#ctx.log.warn({ err: error }, 'anomaly: could not list the targets with unscored samples at start-up');
      return;
    }
    for (const target of targets) {
      if (this.#stopped || this.#targets.has(target) || (this.#share && !this.#share.mine(target))) continue;
      const state = this.#firstSight(target);
      state.more = true;
      state.behind = true;
      this.#behind.add(target);
    }
    this.#pump();
  }

  /**
   * A target seen for the first time since start. Its cursor is read from the store before
   * its first page (`#prepare`); until then every time heard of counts as waiting.
   */
  #firstSight(target: string, tracked = true): TargetState {
    const state: TargetState = { rows: new TargetWindow(), queue: Promise.resolve(), cursor: -Infinity, heard: -Infinity, waiting: 0, behind: false, more: false, running: false, askedRegistry: false, prepared: false, dropped: false, counters: new CounterRates() };
    if (tracked) this.#targets.set(target, state);
    return state;
  }

  async #markFailed(target: string, modelId: number): Promise<void> {
    await this.#registry.markFailed(modelId);
    this.#announce(target, modelId, 'failed');
  }

  /** Tells the stream (views of the registry) and the other replicas that the target's models changed. */
  #announce(target: string, modelId: number, action: AnomalyModelEventData['action']): void {
    this.#ctx.events.publish({ type: 'anomaly_model', data: { target, modelId, action } });
  }

  /**
   * The cursor resumes after the target's last stored score, else before its first stored
   * sample, so every stored sample not scored yet is walked (a back-fill, or samples stored
   * before a restart); the recent history up to the cursor is read from the store. Runs in
   * the target's queue before its first page; a failed read is tried again by the next page.
   */
  async #prepare(target: string, state: TargetState): Promise<void> {
    if (this.#share && !this.#claimed.has(target)) {
      if (!(await this.#share.claim(target))) throw new HeldElsewhere(`target ${target} is still scored by another replica`);
      this.#claimed.add(target);
    }
    if (state.prepared) return;
    const refs = await this.#seriesScored(target, state);
    const cursor = (await this.#metrics.lastScoreTs(target)) ?? ((await this.#metrics.firstSampleTs(target, refs)) ?? Number.MAX_SAFE_INTEGER) - 1;
    await this.#loadHistory(target, state, cursor + 1);
    state.cursor = cursor;
    if (state.heard < cursor) state.heard = cursor;
    state.prepared = true;
  }

  /** Fills the target's window with its stored history before `before`: the rows a model trains on. */
  async #loadHistory(target: string, state: TargetState, before: number): Promise<void> {
    state.counters = new CounterRates();
    for (const row of await this.#historyRows(target, await this.#seriesScored(target, state), before, state.counters)) state.rows.push(row, this.#settings.trainWindow);
  }

  /**
   * The target's series that scoring reads: all of them up to what a model takes (84), else
   * the 84 `scoredSeries` chooses from the catalogue, keeping what the target's model (or
   * window) already holds, so a very wide target (kube-state-metrics: ~20,000 series in one
   * `instance`) is read, held and scored on those alone. Reading every series of such a
   * target held the event loop for seconds a page on SQLite, and its window held them all.
   */
  async #seriesScored(target: string, state: TargetState): Promise<SeriesRef[]> {
    const all = await this.#metrics.seriesOfTarget(target);
    const most = maxDetectorMetrics();
    if (all.length <= most) {
      state.scored = { refs: all, of: all.length };
      return all;
    }
    if (state.scored?.of === all.length) return state.scored.refs;
    let keep: readonly string[];
    if (state.active) keep = state.active.model.params.metrics as string[];
    else if (!state.rows.released && state.rows.length > 0) keep = state.rows.metrics();
    else keep = ((await this.#registry.inState(target, 'active'))?.params.metrics as string[] | undefined) ?? [];
    const latest = await this.#metrics.latestTimes(all);
    const latestOf = new Map(all.map((ref, i) => [ref, latest[i]]));
    const refs = scoredSeries(all, (ref) => this.#keyOf(ref), new Set(keep), most, (ref) => latestOf.get(ref));
    // Said once, when the target becomes too wide (the server's first sight of it, or its growth).
    if (refs.length < all.length && !(state.scored && state.scored.refs.length < state.scored.of)) {
      this.#ctx.log.warn({ target, series: all.length, scored: refs.length }, 'anomaly target has more series than a model takes; only those it models are read and scored (GET /anomaly/status)');
    }
    state.scored = { refs, of: all.length };
    return refs;
  }

  /** The metric key of a series, cached (a wide target's keys are asked for at every choice). */
  #keyOf(ref: SeriesRef): string {
    let key = this.#metricKeys.get(ref.id);
    if (key === undefined) this.#metricKeys.set(ref.id, (key = metricKey(ref)));
    return key;
  }

  /**
   * The target's stored rows before `before`, at most the training window, oldest first,
   * counters as rates (`counters` is left at each counter's newest sample). One row more is
   * read than kept, so the oldest kept row has its counters' rates as it had when scored.
   */
  async #historyRows(target: string, refs: readonly SeriesRef[], before: number, counters = new CounterRates()): Promise<RawRow[]> {
    const window = this.#settings.trainWindow;
    const rows = groupRows(await this.#metrics.recentSamplesOfTarget(target, before, window + 1, refs)).get(target) ?? [];
    counters.ratesOf(rows);
    return rows.length > window ? rows.slice(rows.length - window) : rows;
  }

  /**
   * The target's window with its rows, read back from the store up to its newest row when
   * they were released (`#releaseRows`): the same rows, since every row scoring consumed
   * came from the store. Runs in the target's queue, so no row is pushed meanwhile.
   */
  async #windowOf(target: string, state: TargetState): Promise<TargetWindow> {
    if (!state.rows.released) return state.rows;
    const newest = state.rows.lastTs;
    // Read first: a failed read leaves the tally as it was, for the next try.
    const history = newest === undefined ? [] : await this.#historyRows(target, await this.#seriesScored(target, state), newest + 1);
    const window = new TargetWindow();
    for (const row of history) window.push(row, this.#settings.trainWindow);
    state.rows = window;
    return window;
  }

  /**
   * After a page: a target whose active model learned from a full window lets the window's
   * rows go (a 10-metric window of 4,032 rows is ~400 KB, a fleet's windows most of the idle
   * heap). No growth refit will read them; a retraining or a model's warm-up reads them back
   * from the store (`#windowOf`).
   */
  #releaseRows(state: TargetState): void {
    if (state.active && state.active.model.trainRows >= this.#settings.trainWindow && !state.rows.released) state.rows.release();
  }

  /** Targets whose window rows are in memory (the others keep only a tally; see `#releaseRows`). */
  get windowsHeld(): number {
    let held = 0;
    for (const state of this.#targets.values()) if (!state.rows.released) held++;
    return held;
  }

  /**
   * The live replicas changed: targets now another replica's stop here once their page in
   * progress is done, and their claims are released so the new owner can take them (it
   * resumes after the last stored score). Targets this replica gains are taken up as their
   * next samples arrive.
   */
  #rebalance(): void {
    const left: string[] = [];
    for (const [target, state] of this.#targets) {
      if (this.#share!.mine(target)) continue;
      left.push(target);
      state.dropped = true;
      this.#targets.delete(target);
      this.#live.delete(target);
      this.#behind.delete(target);
      this.#waiting -= state.waiting;
      state.waiting = 0;
      void state.queue.then(async () => {
        if (!this.#claimed.delete(target)) return;
        // A target that came back meanwhile keeps its claim.
        if (this.#targets.has(target)) return void this.#claimed.add(target);
        await this.#share!.release(target).catch((error: unknown) => this.#ctx.log.warn({ err: error, target }, 'anomaly target: its claim could not be released; it goes with the session'));
      });
    }
    this.#cluster?.forget(left);
    this.#pump();
  }

  /** Puts a target with waiting rows in the live or the back-fill set (live when less than a page waits). */
  #schedule(target: string, state: TargetState): void {
    if (state.dropped) return;
    if (state.running || (!state.more && state.heard <= state.cursor)) return;
    if (state.behind || state.waiting > SCORING_PAGE_ROWS) {
      state.behind = true;
      this.#live.delete(target);
      this.#behind.add(target);
    } else if (!this.#behind.has(target)) this.#live.add(target);
  }

  /**
   * Starts pages while the pool has room: live targets first, in arrival order; a back-fill
   * page only when no live target waits, and never so many that live work would find every
   * worker busy with back-fill (with one worker, a live target waits at most one page).
   */
  #pump(): void {
    if (this.#stopped) return this.#settle();
    const slots = Math.max(1, this.#pool.size);
    while (this.#running < slots) {
      const live = this.#live.values().next();
      if (!live.done) {
        this.#live.delete(live.value);
        this.#runPage(live.value, false);
        continue;
      }
      if (this.#backfillRunning >= Math.max(1, slots - 1)) break;
      const behind = this.#behind.values().next();
      if (behind.done) break;
      // Round-robin: the target goes to the back of the set when its page is done.
      this.#behind.delete(behind.value);
      this.#runPage(behind.value, true);
    }
    this.#settle();
  }

  #settle(): void {
    if (this.#running > 0 || (!this.#stopped && (this.#live.size > 0 || this.#behind.size > 0))) return;
    const waiters = this.#settled;
    this.#settled = [];
    for (const resolve of waiters) resolve();
  }

  /** Reads the target's next page after its cursor and scores it, in the target's queue. */
  #runPage(target: string, backfill: boolean): void {
    const state = this.#targets.get(target)!;
    state.running = true;
    this.#running++;
    if (backfill) this.#backfillRunning++;
    void this.#enqueue(state, async () => {
      if (state.dropped) return;
      await this.#prepare(target, state);
      // What was heard of before the read: on PostgreSQL the read awaits, and a write that
      // commits after its snapshot is heard of meanwhile without being in the page.
      const heardBefore = state.heard;
      const waitingBefore = state.waiting;
      const page = await this.#metrics.samplesAfter(target, state.cursor, SCORING_PAGE_ROWS, this.#horizon(), await this.#seriesScored(target, state));
      const rows = this.#rowsOf(page);
      state.counters.ratesOf(rows);
      if (rows.length > 0) state.cursor = rows[rows.length - 1]!.ts;
      let consumed = page.complete ? waitingBefore : Math.min(waitingBefore, rows.length);
      if (page.complete) {
        // Times heard of before the read that the store does not hold (a rolled-back write)
        // are not waited for; times heard of during the read are the next page's, unless
        // the read found them already.
        if (state.heard === heardBefore && state.heard > state.cursor) state.heard = state.cursor;
        if (state.heard <= state.cursor) consumed = state.waiting;
      }
      state.waiting -= consumed;
      this.#waiting -= consumed;
      state.more = !page.complete;
      state.behind = !page.complete;
      this.#held += rows.length;
      try {
        await this.#processRows(target, state, rows);
      } finally {
        this.#held -= rows.length;
      }
      this.#releaseRows(state);
    })
      .then(
        () => false,
        (error: unknown) => {
          // The store could not be read (PostgreSQL away), or the previous owner still holds
          // the target: the page is tried again shortly, not in a tight loop.
          if (error instanceof HeldElsewhere) this.#ctx.log.debug({ target }, error.message);
          else this.#ctx.log.error({ err: error, target }, 'anomaly scoring could not read its samples; trying again in a second');
          return true;
        },
      )
      .then((failed) => {
        state.running = false;
        this.#running--;
        if (backfill) this.#backfillRunning--;
        if (failed) {
          setTimeout(() => {
            this.#schedule(target, state);
            this.#pump();
          }, 1_000).unref();
        } else this.#schedule(target, state);
        this.#pumpNextTurn();
      });
  }

  /**
   * `#pump` at the event loop's next turn. A page read from SQLite and pushed into a
   * learning target's window never waits on I/O, so pages chained by promises alone would
   * run as one task: thousands of targets (a fleet's back-fill) held the loop for seconds
   * and every request waited. One pump a turn, however many pages finish in it.
   */
  #pumpNextTurn(): void {
    if (this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** The newest sample time a scoring cursor may reach now (SCORING_FUTURE_TOLERANCE_MS). */
  #horizon(): number {
    return this.#ctx.now() + SCORING_FUTURE_TOLERANCE_MS;
  }

  /** A page as rows: one per time, every series of the target that has a sample at it. */
  #rowsOf(page: TargetPage): RawRow[] {
    const times = page.times;
    const rows: RawRow[] = new Array(times.length);
    for (let i = 0; i < times.length; i++) rows[i] = { ts: times[i]!, values: metricValues(), seriesIds: [] };
    for (const { ref, samples } of page.series) {
      const key = this.#keyOf(ref);
      // Both ascending, and every sample's time is one of the page's: walk them together.
      for (let i = 0, r = 0; i < samples.length; i++) {
        while (times[r]! < samples.ts[i]!) r++;
        const row = rows[r]!;
        row.values[key] = samples.values[i]!;
        row.seriesIds.push(ref.id);
      }
    }
    return rows;
  }

  /**
   * Rows in time order. Where nothing can change between rows (an active model whose next
   * growth refit is further away, no candidate shadowing) they are scored as one batch: one
   * worker task and one score write for many rows instead of one each. The decisions are
   * the same as row by row: features and spike tails see every row before the likelihood
   * and refractory periods judge them in order (PostProcessor keeps the two apart).
   */
  async #processRows(target: string, state: TargetState, rows: RawRow[]): Promise<void> {
    for (let i = 0; i < rows.length; ) {
      const n = this.#batchable(state, rows.length - i);
      const batch = rows.slice(i, i + n);
      i += n;
      try {
        await (n === 1 ? this.#process(target, state, batch[0]!) : this.#processBatch(target, state, batch));
      } catch (error) {
        this.#scoringFailures += n;
        this.#ctx.log.error({ err: error, target, rows: n }, 'anomaly scoring failed for some samples; continuing');
      }
    }
  }

  /** How many of the next `left` rows can be scored as one batch (1: row by row). */
  #batchable(state: TargetState, left: number): number {
    const active = state.active;
    if (!active || state.candidate) return 1;
    let n = Math.min(left, MAX_SCORE_BATCH);
    // A batch ends at the row that makes the history double: the growth refit follows it.
    const trained = active.model.trainRows;
    if (trained < this.#settings.trainWindow) n = Math.min(n, Math.max(1, Math.min(2 * trained, this.#settings.trainWindow) - state.rows.length));
    return n;
  }

  /** `#process` for a run of rows that share one model and no refit: scored in one task, scores stored in one write. */
  async #processBatch(target: string, state: TargetState, rows: RawRow[]): Promise<void> {
    const active = state.active!;
    for (const row of rows) state.rows.push(row, this.#settings.trainWindow);
    const width = active.builder.width;
    const features = this.#featureBuffers.acquire(rows.length * width);
    try {
      await this.#scoreBatch(target, state, active, rows, features);
    } finally {
      this.#featureBuffers.release(features);
    }
  }

  async #scoreBatch(target: string, state: TargetState, active: Scorer, rows: RawRow[], features: Float64Array): Promise<void> {
    const width = active.builder.width;
    const observed = rows.map((row, i) => {
      const at = features.subarray(i * width, (i + 1) * width);
      active.builder.push(row.ts, row.values, at);
      return active.post.observe(at, active.builder);
    });
    let scored: { scores: ArrayLike<number>; breakouts: (string | null)[]; crept: boolean[] };
    try {
      scored = await this.#pool.score({ kind: 'score', model: await this.#modelBytes(active.model.id), modelId: active.model.id, rows: features, count: rows.length, breakoutMargin: this.#settings.breakoutMargin, modelsInUse: this.#sharedModels.size });
    } catch (error) {
      if (!isModelLoadFailure(error)) throw error;
      this.#loadFailures++;
      this.#ctx.log.error({ err: error, target, modelId: active.model.id }, 'anomaly model failed to load; retiring it and training a replacement');
      await this.#markFailed(target, active.model.id);
      state.active = undefined;
      await this.#train(target, state, 'system');
      return;
    }
    const times = new Float64Array(rows.length);
    const scores = new Float64Array(rows.length);
    let newest: ScoredSample | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const decided = this.#decide(target, active, row.ts, scored.scores[i]!, { breakout: scored.breakouts[i] ?? null, crept: scored.crept[i] === true }, observed[i]!);
      const result = decided.result;
      newest = result;
      times[i] = row.ts;
      scores[i] = result.score;
      if (result.isAnomaly) await this.#raise(target, active, row, result, features.slice(i * width, (i + 1) * width), decided);
    }
    await this.#metrics.setScores(target, times, scores);
    // One live event for the batch, its newest score: a back-fill would otherwise send (and
    // the stream log keep) an event per row. Every score is in the store; anomalies each
    // have their own event.
    if (newest) this.#ctx.events.publish({ type: 'anomaly_score', data: { ...newest } });
    const trained = active.model.trainRows;
    if (trained < this.#settings.trainWindow && state.rows.length >= Math.min(2 * trained, this.#settings.trainWindow)) {
      await this.#train(target, state, 'system', true);
    }
  }

  #enqueue<T>(state: TargetState, work: () => Promise<T>): Promise<T> {
    const result = state.queue.then(work);
    state.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async #process(target: string, state: TargetState, row: RawRow): Promise<void> {
    // After a restart the registry still knows the target's models: pick them up, their
    // features and likelihood rebuilt from the rows before this one. Asked once per target:
    // afterwards every change of its models goes through this service (train, reload).
    if (!state.active && !state.askedRegistry) {
      state.askedRegistry = true;
      if (await this.#registry.inState(target, 'active')) await this.#loadRegistered(target, state);
    }
    state.rows.push(row, this.#settings.trainWindow);
    if (!state.active) {
      if (state.rows.length >= this.#settings.minTrainRows) await this.#train(target, state, 'system');
      return;
    }
    const active = state.active;
    let result: ScoredSample;
    let features: Float64Array;
    let alarm: Omit<Decided, 'result'>;
    try {
      ({ result, features, ...alarm } = await this.#score(target, active, row));
    } catch (error) {
      if (isModelLoadFailure(error)) {
        this.#loadFailures++;
        this.#ctx.log.error({ err: error, target, modelId: active.model.id }, 'anomaly model failed to load; retiring it and training a replacement');
        await this.#markFailed(target, active.model.id);
        state.active = undefined;
        await this.#train(target, state, 'system');
        return;
      }
      throw error;
    }
    // The alarm first, its score (the target's cursor) after: a server killed in between
    // scores the row again after the restart and raises it again, rather than counting it
    // scored with no alert written. The batch path keeps the same order.
    if (result.isAnomaly) await this.#raise(target, active, row, result, features, alarm);
    await this.#metrics.setScores(target, [row.ts], [result.score]);
    this.#ctx.events.publish({ type: 'anomaly_score', data: { ...result } });
    if (state.candidate) await this.#shadow(target, state, state.candidate, row, result);
    // A young target's first model saw only minTrainRows rows (48 min at the 10 s default):
    // its ranges and distributions are narrow. Refit each time the history has doubled,
    // until the training window is full; after that the schedule takes over.
    const trained = active.model.trainRows;
    if (trained < this.#settings.trainWindow && state.rows.length >= Math.min(2 * trained, this.#settings.trainWindow)) {
      await this.#train(target, state, 'system', true);
    }
  }

  async #score(target: string, scorer: Scorer, row: RawRow): Promise<Decided & { features: Float64Array }> {
    const features = scorer.builder.push(row.ts, row.values);
    const observed = scorer.post.observe(features, scorer.builder);
    const { scores, breakouts, crept } = await this.#pool.score({ kind: 'score', model: await this.#modelBytes(scorer.model.id), modelId: scorer.model.id, rows: features, count: 1, breakoutMargin: this.#settings.breakoutMargin, modelsInUse: this.#sharedModels.size });
    return { ...this.#decide(target, scorer, row.ts, scores[0]!, { breakout: breakouts[0] ?? null, crept: crept[0] === true }, observed), features };
  }

  /** A raw score through the scorer's likelihood, spike and seasonal members and refractory periods. */
  #decide(target: string, scorer: Scorer, ts: number, rawScore: number, range: Omit<ModelVerdict, 'score'>, observed: ReturnType<PostProcessor['observe']>): Decided {
    const r = scorer.post.decide(ts, { score: rawScore, ...range }, observed, scorer.model.scoreDistribution.threshold);
    return { result: { target, ts, modelId: scorer.model.id, rawScore, likelihood: r.likelihood, score: r.anomalyScore, threshold: r.threshold, isAnomaly: r.isAnomaly }, note: r.note, breakout: r.cause === 'breakout' ? r.metric : undefined, metric: r.metric };
  }

  async #shadow(target: string, state: TargetState, candidate: Scorer, row: RawRow, active: ScoredSample): Promise<void> {
    try {
      const { result: shadow } = await this.#score(target, candidate, row);
      await this.#registry.recordShadow(candidate.model.id, shadow.isAnomaly === active.isAnomaly, shadow.isAnomaly, active.isAnomaly, Math.abs(shadow.score - active.score));
      const record = await this.#registry.byId(candidate.model.id);
      // Gone meanwhile (failed, retired through another replica): stop shadowing it.
      if (!record || record.state !== 'candidate') {
        state.candidate = undefined;
        return;
      }
      candidate.model = record;
      const { samples, agreement } = record.shadow;
      if (samples >= this.#settings.shadowMinSamples && agreement !== null && agreement >= this.#settings.autoPromoteAgreement) {
        // The promotion and its entry commit together; the scorers change only once they have.
        await transaction(this.#ctx.sql, async () => {
          await this.#registry.promote(record.id);
          this.#ctx.audit.record({ actor: 'system', actorKind: 'system', action: 'anomaly.model.promote', target: `${target}#${record.version}`, outcome: 'success', details: { modelId: record.id, auto: true, agreement } });
          afterCommit(() => {
            this.#announce(target, record.id, 'promoted');
            state.active = candidate;
            state.candidate = undefined;
            this.#dropUnusedModels();
          });
        });
      }
    } catch (error) {
      this.#ctx.log.warn({ err: error, target, modelId: candidate.model.id }, 'shadow scoring failed; dropping the candidate from shadowing');
      state.candidate = undefined;
    }
  }

  async #raise(target: string, scorer: Scorer, row: RawRow, result: ScoredSample, features: Float64Array, { note, breakout, metric }: Omit<Decided, 'result'>): Promise<void> {
    // A member's alarm: its words lead (the forest does not see the daily residual or the
    // spike member's baseline); a breakout's words (value and training range) come from the
    // worker, which holds the model.
    const task = { kind: 'explain' as const, model: await this.#modelBytes(scorer.model.id), modelId: scorer.model.id, features, modelsInUse: this.#sharedModels.size, ...(breakout !== undefined ? { breakout } : {}) };
    const explanation: Explanation = withMemberNote(await this.#pool.explain(task), note);
    await this.#events.add({ target, ts: row.ts, modelId: scorer.model.id, score: result.score, threshold: result.threshold, explanation });
    const data: AnomalyEventData = {
      target,
      seriesIds: row.seriesIds,
      ts: row.ts,
      score: result.score,
      threshold: result.threshold,
      explanation: explanation.summary,
      features: explanation.features.slice(0, 5).map((f) => ({ name: f.name, value: f.value, zScore: f.deviation })),
      // What the alert names: the member's metric, else the summary's lead (drivers first).
      metric: metric ?? (explanation.metrics.find((m) => m.status !== 'normal') ?? explanation.metrics[0])?.metric,
    };
    // Stored as an alert before this returns; a failure of the alerts side is logged and
    // scoring goes on (the anomaly is kept above and reaches the stream below).
    await this.#alarms.raise(data).catch((error: unknown) => this.#ctx.log.error({ err: error, anomaly: data }, 'could not turn an anomaly into an alert'));
    this.#ctx.events.publish({ type: 'anomaly', data });
  }

  /**
   * Fits a model on the target's rows. It becomes active when the target has none or when
   * `replace` is set (growth refits); otherwise it is a candidate shadowing the active one.
   */
  async #train(target: string, state: TargetState, by: string, replace = false, asActive = !state.active || replace): Promise<ModelRecord> {
    const window = await this.#windowOf(target, state);
    const metrics = modelMetrics(window);
    if (metrics.length < window.metrics().length) {
      this.#ctx.log.warn({ target, metrics: window.metrics().length, modelled: metrics.length }, 'anomaly target has more metrics than a model takes; the model takes those sampled most often');
    }
    const spec = detectorFeatureSpec(metrics);
    const builder = new FeatureBuilder(spec);
    // The new scorer's post-processor sees the rows in the same pass: after the fit, the
    // builder and it are where a scorer replaying the window would leave them (one replay
    // of up to 4,032 rows per refit instead of two).
    const post = new PostProcessor(spec, this.#postOptions);
    const width = builder.width;
    const count = window.length;
    const rows = new Float64Array(count * width);
    window.forEach((ts, values, i) => post.observe(builder.push(ts, values, rows.subarray(i * width, (i + 1) * width)), builder));
    // A metric that appeared within the window reads its first value before it, not a made-up 0.
    builder.fillUnseen(rows, count);
    const trainedFrom = window.firstTs!;
    const trainedTo = window.lastTs!;
    // A window saturated throughout is learned as normal: the model records it, the API says so.
    const extremeWindow = extremeWindowOf(window);
    if (extremeWindow.length > 0) this.#ctx.log.warn({ target, extremeWindow }, 'anomaly model trained on a saturated window; it may take the saturation for normal');
    const fit = await this.#pool.fit({ kind: 'fit', spec, rows, count, forest: this.#settings.forest, contamination: this.#settings.contamination, trainedFrom, trainedTo });
    // Deflated on the thread pool: a burst of trainings (a back-fill) must not hold up requests.
    const deflated = await deflateModel(fit.model);
    // The registry's change and its entry commit together (a refused entry leaves the
    // registry as it was); the workers, the scorers and the event follow the commit.
    const scorer = await transaction(this.#ctx.sql, async () => {
      if (!asActive) await this.#registry.retireCandidates(target);
      const record = await this.#registry.add(
        {
          target,
          createdBy: by,
          trainedFrom,
          trainedTo,
          trainRows: count,
          params: { metrics, features: builder.info.map((f) => f.name), spec, forest: this.#settings.forest, falseAlarmRate: this.#settings.falseAlarmRate, breakoutMargin: this.#settings.breakoutMargin, refractorySeconds: this.#settings.refractorySeconds },
          scoreDistribution: { quantiles: fit.quantiles, threshold: fit.threshold },
          evaluation: { trainingAlarmRate: fit.trainingAlarmRate, contamination: this.#settings.contamination, extremeWindow },
          model: fit.model,
          deflated,
        },
        asActive ? 'active' : 'candidate',
      );
      this.#ctx.audit.record({ actor: by, actorKind: by === 'system' || by === 'schedule' ? 'system' : 'user', action: 'anomaly.model.train', target: `${target}#${record.version}`, outcome: 'success', details: { modelId: record.id, state: record.state, rows: count, extremeWindow: extremeWindow.map((finding) => finding.text) } });
      // The fit's scores of the window are the ones the new scorer warms up on (the same rows, the same model).
      const scorer: Scorer = { model: record, builder, post };
      afterCommit(() => {
        // The workers get the bytes just fitted, not a read back and inflate of the stored row.
        this.#shareModel(record.id, fit.model);
        this.#announce(target, record.id, 'trained');
        post.warm(fit.scores);
        // A growth refit keeps the refractory periods running: the incident that just paged must not page again.
        if (replace && state.active) scorer.post.continueRefractoryFrom(state.active.post);
        if (asActive) state.active = scorer;
        else state.candidate = scorer;
        this.#dropUnusedModels();
      });
      return scorer;
    });
    return scorer.model;
  }

  /**
   * A scorer whose features, spike tails and likelihood have already seen the target's recent
   * rows (the workers score them for the likelihood).
   */
  async #scorer(target: string, model: ModelRecord, state: TargetState): Promise<Scorer> {
    const spec = model.params.spec as FeatureSpec;
    const builder = new FeatureBuilder(spec);
    const post = new PostProcessor(spec, this.#postOptions);
    const width = builder.width;
    const window = await this.#windowOf(target, state);
    const rows = new Float64Array(window.length * width);
    window.forEach((ts, values, i) => post.observe(builder.push(ts, values, rows.subarray(i * width, (i + 1) * width)), builder));
    builder.fillUnseen(rows, window.length);
    if (window.length > 0) {
      const { scores } = await this.#pool.score({ kind: 'score', model: await this.#modelBytes(model.id), modelId: model.id, rows, count: window.length, breakoutMargin: false, modelsInUse: this.#sharedModels.size });
      post.warm(scores);
    }
    return { model, builder, post };
  }
}

/**
 * The metrics a target's model takes: all of them, up to what a model holds
 * (maxDetectorMetrics, 84); beyond that those with a sample in most of the window's rows
 * (then by name). A fit of more failed in the worker, so such a target (a scraped exporter
 * with hundreds of series) was never scored, every row retrying the fit.
 */
export function modelMetrics(window: Pick<TargetWindow, 'metrics' | 'valuesOf'>): string[] {
  const all = window.metrics();
  const most = maxDetectorMetrics();
  if (all.length <= most) return all;
  const coverage = new Map(all.map((metric) => [metric, window.valuesOf(metric).length]));
  return all
    .sort((a, b) => coverage.get(b)! - coverage.get(a)! || (a < b ? -1 : 1))
    .slice(0, most)
    .sort();
}

/** The median gap between the last sample times, a robust "one sample every N ms". */
function sampleIntervalOf(recent: readonly number[]): number | null {
  const gaps = recent.slice(1).map((ts, i) => ts - recent[i]!).filter((gap) => gap > 0).sort((a, b) => a - b);
  return gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)]! : null;
}

/**
 * A row's values by metric key, with nothing to read through: a metric may be named
 * `__proto__` (a valid Prometheus name), which on a plain object would set the prototype,
 * not a value, and `constructor` would read Object's. The class's prototype has no
 * prototype and no `constructor`. Not `Object.create(null)`: V8 keeps such an object as a
 * hash table, and every `for...in` over a page's rows (counter rates, the target's window)
 * collected and sorted its keys anew; these share hidden classes and cached key lists
 * (~2.5× less CPU for a page's rows built, walked and read, measured alone).
 */
class RowValues {}
Object.setPrototypeOf(RowValues.prototype, null);
delete (RowValues.prototype as { constructor?: unknown }).constructor;

function metricValues(): Record<string, number> {
  return new RowValues() as Record<string, number>;
}

/** Samples grouped into rows: per target, one row per timestamp, in time order. */

function groupRows(samples: readonly SampleEventData[]): Map<string, RawRow[]> {
  const byTarget = new Map<string, Map<number, RawRow>>();
  for (const s of samples) {
    const target = targetOf(s.labels);
    let byTs = byTarget.get(target);
    if (!byTs) byTarget.set(target, (byTs = new Map()));
    let row = byTs.get(s.ts);
    if (!row) byTs.set(s.ts, (row = { ts: s.ts, values: metricValues(), seriesIds: [] }));
    row.values[metricKey(s)] = s.value;
    row.seriesIds.push(s.seriesId);
  }
  return new Map([...byTarget].map(([target, byTs]) => [target, [...byTs.values()].sort((a, b) => a.ts - b.ts)]));
}
