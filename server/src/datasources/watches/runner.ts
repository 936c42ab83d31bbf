import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DEFAULT_DETECTOR_OPTIONS, StreamingDetector } from '../../../../shared/anomaly/index.ts';
import type { Watch } from '../../../../shared/api/anomaly-watches.ts';
import type { PromMatrix } from '../../../../shared/api/datasources.ts';
import { parsePromValue, promSeconds } from '../../../../shared/metrics/prom-values.ts';
import { floatSeries } from '../../../../shared/metrics/native-histograms.ts';
import type { AnomalyEventData } from '../../../../shared/api/stream.ts';
import type { ServerContext } from '../../context.ts';
import type { AlarmSink } from '../../core/alarm-sink.ts';
import { boundedKey } from '../../core/bounded-key.ts';
import { rendezvousOwner } from '../../db/sql/rendezvous.ts';
import type { WorkClaims } from '../../db/sql/work-claims.ts';
import { matrixOf } from '../matrix-answer.ts';
import type { QueryProxy } from '../proxy.ts';
import { MAX_POINTS_PER_SERIES } from '../step.ts';
import type { ScoreRow, WatchRow, WatchStatus, WatchStore } from './store.ts';

export interface WatchSettings {
  /** Rows of history a new (or restarted) watch pulls so its models train at once. */
  backfillRows: number;
  /** Rows a series needs before its first model. */
  minTrainRows: number;
  /** Most recent rows a model is fitted on. */
  trainWindow: number;
  /** Refit every this many rows. */
  retrainEvery: number;
  /**
   * Anomalies younger than this raise alerts; older ones found while back-filling are stored
   * and counted only (paging someone for last week's spike helps nobody). The alerts
   * feature's anomaly quiet period by default.
   */
  raiseWindowMs: number;
  /** Series one watch may follow; a query returning more is an error, not a memory leak. */
  maxSeries: number;
  /**
   * Series all the watches this replica follows may have together (a series' detector holds
   * ~1.4 MB: 2,000 are ~2.8 GB): past it a watch's new series are not scored (its other
   * series are; `lastError` says how many are left out) until watches are deleted or
   * narrowed, so watches cannot exhaust memory.
   */
  maxTotalSeries: number;
  /** Watches the server keeps (each queries its source every step): creating one more is refused. */
  maxWatches: number;
  /**
   * Watches one person keeps (an API key counts as its owner): one operator cannot take the
   * whole `maxWatches`. Watches stored without a creator (before migration 070) count for no one.
   */
  maxWatchesPerUser: number;
  /**
   * The shortest step a new watch may take, seconds: each watch queries its source every step,
   * and a step below the source's scrape interval (commonly 10 to 60 s) finds nothing new.
   * Watches already stored keep their step.
   */
  minStepSeconds: number;
  /** Scores are kept this long. */
  retentionMs: number;
  /**
   * How often the runner compares the watches it follows with the stored ones and the live
   * replicas, ms: a watch created or deleted on another replica, or one whose replica died
   * or that a new replica now owns, is followed or dropped here within this time.
   */
  syncMs: number;
}

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  backfillRows: DEFAULT_DETECTOR_OPTIONS.trainWindow,
  minTrainRows: DEFAULT_DETECTOR_OPTIONS.minTrainRows,
  trainWindow: DEFAULT_DETECTOR_OPTIONS.trainWindow,
  retrainEvery: DEFAULT_DETECTOR_OPTIONS.retrainEvery,
  raiseWindowMs: 10 * 60_000,
  maxSeries: 200,
  maxTotalSeries: 2_000,
  maxWatches: 100,
  maxWatchesPerUser: 20,
  minStepSeconds: 10,
  retentionMs: 30 * 86_400_000,
  syncMs: 10_000,
};

interface SeriesState {
  labels: Record<string, string>;
  detector: StreamingDetector;
  samples: number;
  lastTs: number | null;
  lastScore: number | null;
}

interface LiveWatch {
  row: WatchRow;
  state: Watch['state'];
  series: Map<string, SeriesState>;
  anomalies: number;
  timer?: NodeJS.Timeout;
  /** The pull in progress; ticks while it runs are skipped, never queued. */
  busy?: Promise<void>;
  /**
   * Whether a pull has succeeded since the watch was launched. Until then each step asks
   * for the whole back-fill window again: a source down when the watch started (or this
   * replica took it over) must not leave the models to train from live steps alone.
   */
  pulled: boolean;
  stopped: boolean;
}

/**
 * `name{a="1",b="2"}` with labels sorted: one series' identity within its watch. Bounded
 * (core/bounded-key.ts): it is in the scores' primary key; the full labels are in the watch's
 * series list.
 */
export function seriesKey(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.keys(rest).sort().map((k) => `${k}=${JSON.stringify(rest[k])}`);
  return boundedKey(`${name}{${labels.join(',')}}`);
}

/**
 * Runs the watches: pulls each expression at its step through the query proxy, feeds
 * every series to its own streaming detector of the anomaly engine, stores the scores and
 * publishes anomalies on the event bus, where the alerts feature turns them into alerts
 * exactly as it does for the embedded store's anomalies.
 *
 * With several replicas each watch is scored by exactly one live replica: its owner by
 * rendezvous hashing over the live replicas, holding the watch's claim (`WorkClaims`) while
 * it follows it. A replica that dies loses its claims with its database session; at their
 * next sync the others see it gone and the new owners take its watches, back-filling from
 * the source's history (so the models train at once and the gap is scored).
 */
export class WatchRunner {
  readonly #ctx: ServerContext;
  readonly #proxy: QueryProxy;
  readonly #store: WatchStore;
  readonly #settings: WatchSettings;
  readonly #claims: WorkClaims;
  readonly #alarms: AlarmSink;
  readonly #live = new Map<number, LiveWatch>();
  #syncTimer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #unsubscribeLost: (() => void) | undefined;

  constructor(ctx: ServerContext, proxy: QueryProxy, store: WatchStore, settings: WatchSettings, claims: WorkClaims, alarms: AlarmSink) {
    this.#ctx = ctx;
    this.#proxy = proxy;
    this.#store = store;
    this.#settings = settings;
    this.#claims = claims;
    this.#alarms = alarms;
  }

  /** This replica's name, as `scoredBy` shows it. */
  get replicaId(): string {
    return this.#claims.replicaId;
  }

  /** Follows the stored watches this replica owns, and keeps following its share (see `syncMs`). */
  async start(): Promise<void> {
    // The session holding the claims ended: another replica may take these watches now, so stop scoring them.
    this.#unsubscribeLost = this.#claims.onLost(() => {
      for (const live of [...this.#live.values()]) this.#halt(live);
    });
    await this.sync();
    if (this.#settings.syncMs > 0) {
      this.#syncTimer = setInterval(() => {
        this.#syncing ??= this.sync()
          .catch((error: unknown) => this.#ctx.log.warn({ err: error }, 'anomaly watches: the stored watches could not be read; retrying'))
          .finally(() => (this.#syncing = undefined));
      }, this.#settings.syncMs);
      this.#syncTimer.unref();
    }
  }

  /**
   * Drops the followed watches no longer stored or no longer this replica's, then claims and
   * launches the stored ones this replica owns and does not follow yet. A watch handed over
   * is released only once its pull in progress has ended, and the new owner's claim fails
   * until then, so two replicas never score one watch at once.
   */
  async sync(): Promise<void> {
    const rows = await this.#store.list();
    const members = await this.#claims.members();
    const owned = new Set(rows.filter((row) => this.#owns(row.id, members)).map((row) => row.id));
    for (const id of [...this.#live.keys()]) if (!owned.has(id)) await this.#handOver(id);
    for (const row of rows) {
      if (owned.has(row.id) && !this.#live.has(row.id) && (await this.#claims.claim(row.id))) this.launch(row);
    }
  }

  /** Starts scoring a new watch here if this replica owns it; otherwise its owner's next sync does. */
  async follow(row: WatchRow): Promise<void> {
    if (!this.#owns(row.id, await this.#claims.members())) return;
    if (await this.#claims.claim(row.id)) this.launch(row);
  }

  #owns(id: number, members: readonly string[]): boolean {
    return rendezvousOwner(String(id), members) === this.#claims.replicaId;
  }

  async #handOver(id: number): Promise<void> {
    const live = this.#live.get(id);
    if (live) this.#halt(live);
    await live?.busy;
    await this.#claims.release(id);
  }

  async stop(): Promise<void> {
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    this.#unsubscribeLost?.();
    await this.#syncing;
    const live = [...this.#live.values()];
    for (const watch of live) this.#halt(watch);
    await Promise.allSettled(live.map((w) => w.busy));
    // The runner owns its claims: their session ends with it, so the other replicas take its watches.
    await this.#claims.stop();
  }

  /** Starts following a watch: back-fill from history, then one pull per step. */
  launch(row: WatchRow): void {
    if (this.#live.has(row.id)) return;
    const live: LiveWatch = { row, state: 'backfilling', series: new Map(), anomalies: 0, pulled: false, stopped: false };
    this.#live.set(row.id, live);
    const stepMs = row.stepSeconds * 1000;
    const now = this.#ctx.now();
    const end = Math.floor(now / stepMs) * stepMs;
    live.busy = this.#pull(live, end - (this.#settings.backfillRows - 1) * stepMs, end, this.#backfillRaiseAfter(live, now)).finally(() => {
      live.busy = undefined;
      if (live.stopped) return;
      live.timer = setInterval(() => this.#tick(live), stepMs);
      live.timer.unref();
    });
  }

  /** Only what is both recent and not raised before (a restart re-reads history) pages anyone. */
  #backfillRaiseAfter(live: LiveWatch, now: number): number {
    return Math.max(now - this.#settings.raiseWindowMs, (live.row.lastTs ?? 0) + 1);
  }

  /** Stops following a watch (deleted, or its source was) and gives up its claim. */
  forget(id: number): void {
    if (!this.#live.has(id)) return;
    this.#handOver(id).catch((error: unknown) => this.#ctx.log.warn({ err: error, watch: id }, 'anomaly watch: its claim could not be released; it goes with the session'));
  }

  /** The ids of the watches this replica follows. */
  followed(): number[] {
    return [...this.#live.keys()];
  }

  /** Resolves once the watch's current pull (the back-fill first) is done; for tests and the API. */
  async settled(id: number): Promise<void> {
    await this.#live.get(id)?.busy;
  }

  async view(row: WatchRow): Promise<Watch> {
    const live = this.#live.get(row.id);
    const fresh = (await this.#store.byId(row.id)) ?? row;
    // Scored on another replica: what that replica last stored of it.
    if (!live) return { ...this.#definition(fresh), ...fresh.status };
    return { ...this.#definition(fresh), ...this.#status(live) };
  }

  #definition(fresh: WatchRow) {
    return {
      id: fresh.id,
      name: fresh.name,
      datasourceId: fresh.datasourceId,
      query: fresh.query,
      stepSeconds: fresh.stepSeconds,
      createdBy: fresh.createdBy,
      createdAt: fresh.createdAt,
      lastTs: fresh.lastTs,
      lastError: fresh.lastError,
    };
  }

  #status(live: LiveWatch): WatchStatus {
    return {
      scoredBy: this.#claims.replicaId,
      state: live.state,
      anomalies: live.anomalies,
      series: [...live.series].map(([key, s]) => ({
        key,
        labels: s.labels,
        ready: s.detector.model !== undefined,
        samples: s.samples,
        lastTs: s.lastTs,
        lastScore: s.lastScore,
      })),
    };
  }

  #halt(live: LiveWatch): void {
    live.stopped = true;
    if (live.timer) clearInterval(live.timer);
    this.#live.delete(live.row.id);
  }

  #tick(live: LiveWatch): void {
    if (live.busy || live.stopped) return;
    const stepMs = live.row.stepSeconds * 1000;
    const now = this.#ctx.now();
    const end = Math.floor(now / stepMs) * stepMs;
    const last = Math.max(0, ...[...live.series.values()].map((s) => s.lastTs ?? 0));
    // Nothing scored yet and no pull has succeeded: the back-fill failed, so it is asked again.
    const backfill = last === 0 && !live.pulled;
    const start = last > 0 ? last + stepMs : backfill ? end - (this.#settings.backfillRows - 1) * stepMs : end - stepMs;
    if (start > end) return;
    live.busy = this.#pull(live, start, end, backfill ? this.#backfillRaiseAfter(live, now) : start).finally(() => {
      live.busy = undefined;
    });
    this.#store.prune(now - this.#settings.retentionMs).catch((error: unknown) => this.#ctx.log.warn({ err: error }, 'anomaly watch scores could not be pruned; retrying at the next step'));
  }

  /** Pulls [start, end] at the watch's step, in chunks Prometheus accepts, and scores it. */
  async #pull(live: LiveWatch, start: number, end: number, raiseAfter: number): Promise<void> {
    const { row } = live;
    const stepMs = row.stepSeconds * 1000;
    const chunkMs = (MAX_POINTS_PER_SERIES - 1) * stepMs;
    try {
      for (let from = start; from <= end && !live.stopped; from += chunkMs + stepMs) {
        const to = Math.min(end, from + chunkMs);
        const answer = await this.#proxy.forward(row.datasourceId, 'query_range', { query: row.query, start: promSeconds(from), end: promSeconds(to), step: promSeconds(stepMs) });
        const matrix = matrixOf(answer);
        // Native histogram series have no single value to score: left out, and an error when nothing else came.
        const scores: ScoreRow[] = [];
        const alarms: AnomalyEventData[] = [];
        let leftOut = 0;
        for (const series of floatSeries(matrix.result, row.query, 'score')) {
          if (!this.#score(live, series, { from, to }, raiseAfter, scores, alarms)) leftOut++;
          await yieldToEventLoop(); // fitting is synchronous: let requests through between series
        }
        if (live.stopped) return;
        // Alerts stored before the scores that move the watch on: a crash in between pulls and raises them again.
        for (const alarm of alarms) await this.#raise(alarm, row);
        const note = leftOut > 0 ? `${leftOut} series of the query are not scored: the watches already follow ${this.#settings.maxTotalSeries} series in all, the most this server scores; delete a watch or narrow a query` : null;
        await this.#store.record(row.id, scores, scores.reduce((max, s) => Math.max(max, s.ts), 0) || null, note);
      }
      live.state = 'running';
      live.pulled = true;
    } catch (error) {
      if (live.stopped) return;
      // The watch's health is its last pull's: `error` (with lastError saying why) until one succeeds again.
      live.state = 'error';
      const message = (error as Error).message;
      await this.#store.record(row.id, [], null, message).catch(() => undefined);
      this.#ctx.log.warn({ err: error, watch: row.name }, 'anomaly watch pull failed; retrying at the next step');
    }
    if (live.stopped) return;
    await this.#store.saveStatus(row.id, this.#status(live)).catch((error: unknown) => this.#ctx.log.warn({ err: error, watch: row.name }, 'anomaly watch: its state could not be stored; other replicas show an older one'));
  }

  /** Series of every watch this replica follows (counted when a new series appears, which is rare). */
  #followedSeries(): number {
    let total = 0;
    for (const live of this.#live.values()) total += live.series.size;
    return total;
  }

  /** An alarm to the alerts feature (a failure there is logged, scoring goes on) and to the live stream. */
  async #raise(alarm: AnomalyEventData, watch: WatchRow): Promise<void> {
    // The watch's creator, not the system: its runbook triggers propose runs as them (watches created before migration 070 have none).
    const raise = async () => this.#alarms.raise(alarm, watch.createdByUserId === null ? undefined : await this.#store.creator(watch.createdByUserId));
    await raise().catch((error: unknown) => this.#ctx.log.error({ err: error, anomaly: alarm }, 'could not turn a watch anomaly into an alert'));
    this.#ctx.events.publish({ type: 'anomaly', data: alarm });
  }

  /** Scores the new samples of one series; false when it is a new series past `maxTotalSeries` (left out). */
  #score(live: LiveWatch, series: PromMatrix['result'][number], asked: { from: number; to: number }, raiseAfter: number, out: ScoreRow[], alarms: AnomalyEventData[]): boolean {
    const key = seriesKey(series.metric);
    let state = live.series.get(key);
    if (!state) {
      if (live.series.size >= this.#settings.maxSeries) throw new Error(`the query returns more than ${this.#settings.maxSeries} series; narrow it`);
      if (this.#followedSeries() >= this.#settings.maxTotalSeries) return false;
      const detector = new StreamingDetector({ metrics: ['value'], minTrainRows: this.#settings.minTrainRows, trainWindow: this.#settings.trainWindow, retrainEvery: this.#settings.retrainEvery });
      live.series.set(key, (state = { labels: series.metric, detector, samples: 0, lastTs: null, lastScore: null }));
    }
    for (const [seconds, text] of series.values ?? []) {
      const ts = Math.round(seconds * 1000);
      // Only the range asked for: a broken or hostile source's point from 2096 (or a timestamp
      // that is no number) became the series' newest, and every later pull started after it.
      if (!(ts >= asked.from && ts <= asked.to)) continue;
      if (state.lastTs !== null && ts <= state.lastTs) continue;
      const value = parsePromValue(text);
      // NaN and the infinities are real Prometheus values but no basis for a model: skipped.
      if (!Number.isFinite(value)) continue;
      const result = state.detector.push(ts, { value });
      state.samples++;
      state.lastTs = ts;
      state.lastScore = result.ready ? result.anomalyScore : null;
      if (!result.ready) continue;
      out.push({ seriesKey: key, ts, value, score: result.anomalyScore, anomaly: result.isAnomaly });
      if (!result.isAnomaly) continue;
      live.anomalies++;
      if (ts < raiseAfter) continue;
      const explanation = result.explanation;
      alarms.push({
        target: `${live.row.name}:${key}`,
        ts,
        score: result.anomalyScore,
        threshold: result.threshold,
        explanation: explanation?.summary ?? `${key} = ${value}`,
        features: (explanation?.features ?? []).slice(0, 5).map((f) => ({ name: f.name, value: f.value, zScore: f.deviation })),
      });
    }
    return true;
  }
}
