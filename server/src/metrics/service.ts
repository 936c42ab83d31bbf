import type { Registry } from 'prom-client';
import type { EventBus } from '../events/bus.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import { compileMatchers, parseSelector, type LabelMatcher } from '../../../shared/metrics/selector.ts';
import { QueryCache, type QueryCacheStats } from './query-cache.ts';
import { chooseResolution, pointsOf, queryRange, readSource, type RangeRequest, type SeriesColumns, type SeriesPoints } from './range-query.ts';
import type { RangeTaskSeries } from './range-answer.ts';
import { RangePool, type RangePoolOptions } from './range-pool.ts';
import { DEFAULT_RETENTION, type RetentionPolicy, type RetentionResult } from './retention.ts';
import { MetricsStore, RESOLUTION_MS, type LatestSample, type SampleBatch, type SeriesRef } from './store.ts';
import type { Db } from '../db/database.ts';
import type { SqlDatabase } from '../db/sql/open.ts';
import { PostgresMetricsStore } from './postgres/store.ts';
import { SqliteMetricsStorage, type MetricsStorage } from './storage.ts';
import { TargetReads } from './target-reads.ts';

/** Samples per published stream event: keeps one SSE message a reasonable size. */
const SAMPLES_PER_EVENT = 1000;
/**
 * Milliseconds a range query computes before letting other requests run: a query over
 * hundreds of series holds nothing else back for longer (a day of raw samples of one
 * series takes well under a millisecond to decode and bucket).
 */
const QUERY_SLICE_MS = 4;

export interface MetricsServiceOptions {
  db: Db;
  /** The query layer: on PostgreSQL the store is the cluster's (postgres/store.ts), else the SQLite file's. */
  sql?: SqlDatabase;
  events: EventBus;
  now: () => number;
  registry?: Registry;
  retention?: RetentionPolicy;
  cacheMaxPoints?: number;
  /** Where range answers are computed (range-pool.ts). */
  rangePool?: RangePoolOptions;
}

/** A range query's answer as the API sends it. */
export interface RangeAnswerBytes {
  /** The JSON body (`RangeResponseSchema`). */
  json: Buffer;
  series: number;
  /** Series answered from the query cache. */
  hits: number;
  /**
   * Gives `json`'s buffer back for a later answer to be written into (range-pool.ts): call
   * it once nothing reads `json` any more (the response has finished), or never.
   */
  release?: () => void;
}

export interface SeriesRange extends SeriesRef, SeriesPoints {
  /** Whether this series' answer came from the cache. */
  cached: boolean;
}

export interface SeriesRangeColumns extends SeriesRef, SeriesColumns {
  cached: boolean;
}

export interface SeriesLatest extends SeriesRef {
  latest: LatestSample | null;
}

/**
 * The metrics feature's one entry point for writers (host collector, ingest API, scrape)
 * and readers (query API, alert rules, anomaly scoring): it keeps the store, the query
 * cache and the live stream consistent with each other.
 */
export class MetricsService {
  /** The store: SQLite's file, or on PostgreSQL the one every replica shares. */
  readonly storage: MetricsStorage;
  readonly retention: RetentionPolicy;
  /** A target's samples, score writes and anomaly rates: what the anomaly feature may use. */
  readonly targets: TargetReads;
  readonly #events: EventBus;
  readonly #now: () => number;
  readonly #cache: QueryCache;
  /** Computes range answers, on worker threads when large. */
  readonly ranges: RangePool;
  readonly #unsubscribe: () => void;

  constructor(options: MetricsServiceOptions) {
    this.#events = options.events;
    this.#now = options.now;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.storage =
      options.sql?.dialect === 'postgres' ? new PostgresMetricsStore(options.sql.pool!, options.now) : new SqliteMetricsStorage(options.db, new MetricsStore(options.db, options.now));
    this.targets = new TargetReads(this.storage);
    this.#cache = new QueryCache({ maxPoints: options.cacheMaxPoints, registry: options.registry });
    this.ranges = new RangePool(options.rangePool);
    // Samples another replica stored change answers this replica may have cached.
    this.#unsubscribe = options.events.subscribeRemote((event) => {
      if (event.type !== 'samples') return;
      const spans = new Map<number, { from: number; to: number }>();
      for (const { seriesId, ts } of event.data) {
        const span = spans.get(seriesId);
        if (!span) spans.set(seriesId, { from: ts, to: ts });
        else if (ts < span.from) span.from = ts;
        else if (ts > span.to) span.to = ts;
      }
      for (const [id, { from, to }] of spans) this.#cache.invalidate(id, from, to);
    });
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.ranges.close();
  }

  /** Stores the batches, drops the cached answers they change, and publishes them live. */
  async ingest(batches: readonly SampleBatch[]): Promise<{ series: number; samples: number }> {
    const { series: refs, after, upTo } = await this.storage.append(batches);
    let total = 0;
    let chunk: SampleEventData[] = [];
    for (let b = 0; b < batches.length; b++) {
      const { samples } = batches[b]!;
      const series = refs[b]!;
      if (samples.length === 0) continue;
      total += samples.length;
      let from = Infinity;
      let to = -Infinity;
      for (const [ts, value] of samples) {
        if (ts < from) from = ts;
        if (ts > to) to = ts;
        if (chunk.length === SAMPLES_PER_EVENT) {
          this.#events.publish({ type: 'samples', data: chunk });
          chunk = [];
        }
        chunk.push({ seriesId: series.id, name: series.name, labels: series.labels, ts, value });
      }
      this.#cache.invalidate(series.id, from, to);
    }
    // The last event of the call names the store positions of all of them (for replay).
    if (chunk.length > 0) this.#events.publish({ type: 'samples', data: chunk, range: { after, upTo } });
    return { series: new Set(refs.map((r) => r.id)).size, samples: total };
  }

  /**
   * Samples stored at export positions (after, upTo], as stream events carry them: how the
   * stream replays sample events. Samples since folded into a chunk come with that chunk
   * (a client may see a sample twice, never miss one); retention may have removed some.
   */
  async samplesBetween(after: number, upTo: number): Promise<SampleEventData[]> {
    const page = await this.storage.exportAfter(after, Number.MAX_SAFE_INTEGER, upTo);
    const out: SampleEventData[] = new Array(page.ts.length);
    const refs = new Map<number, SeriesRef>();
    for (const id of new Set(page.seriesIds)) refs.set(id, (await this.storage.seriesById(id))!);
    for (let i = 0; i < page.ts.length; i++) {
      const series = refs.get(page.seriesIds[i]!)!;
      out[i] = { seriesId: series.id, name: series.name, labels: series.labels, ts: page.ts[i]!, value: page.values[i]! };
    }
    return out;
  }

  /** Series matching a PromQL-style selector (`name{label=~"re"}`), or all of them. */
  async findSeries(selector?: string | readonly LabelMatcher[]): Promise<SeriesRef[]> {
    // Parsed before the store is asked, so a bad selector is refused whatever the store.
    const matchers = selector === undefined || selector === '' ? undefined : typeof selector === 'string' ? parseSelector(selector) : selector;
    if (!matchers) return this.storage.series();
    // An exact metric name is looked up (a wide server has thousands of series); the other
    // matchers test only that name's series. Regex or no name: every series is tested.
    const named = matchers.findIndex((m) => m.name === '__name__' && m.op === '=');
    if (named < 0) return this.storage.series(compileMatchers(matchers));
    const rest = matchers.filter((_, i) => i !== named);
    return this.storage.seriesNamed(matchers[named]!.value, rest.length > 0 ? compileMatchers(rest) : undefined);
  }

  /** Range query for each series, each answer cached until new samples change it. */
  async queryRange(series: readonly SeriesRef[], request: RangeRequest): Promise<SeriesRange[]> {
    return (await this.queryRangeYielding(series, request)).map((s) => ({ id: s.id, name: s.name, labels: s.labels, ...pointsOf(s), cached: s.cached }));
  }

  async #querySeries(ref: SeriesRef, request: RangeRequest, resolution: SeriesColumns['resolution']): Promise<SeriesRangeColumns> {
    const key = cacheKey(ref.id, resolution, request);
    const hit = this.#cache.get(key);
    if (hit) return { id: ref.id, name: ref.name, labels: ref.labels, ...hit, cached: true };
    const stamp = this.#cache.stamp(ref.id);
    const points = await queryRange(this.storage, ref.id, request, resolution);
    this.#remember(key, ref.id, request, points, stamp);
    return { id: ref.id, name: ref.name, labels: ref.labels, ...points, cached: false };
  }

  /** Caches one series' answer until a sample lands in any bucket the range touches. */
  #remember(key: string, seriesId: number, request: RangeRequest, columns: SeriesColumns, stamp: string): void {
    const margin = Math.max(request.step ?? 0, RESOLUTION_MS[columns.resolution]);
    this.#cache.set(key, seriesId, request.from - margin, request.to, columns, stamp);
  }

  /**
   * `queryRangeColumns` for the API: series are read in slices of a few milliseconds with a
   * turn of the event loop in between, so a query over hundreds of series never holds
   * other requests (health checks, the stream, small queries) back for long.
   */
  async queryRangeYielding(series: readonly SeriesRef[], request: RangeRequest): Promise<SeriesRangeColumns[]> {
    const resolution = chooseResolution(request, this.retention, this.#now());
    const out: SeriesRangeColumns[] = new Array(series.length);
    await inSlices(series.length, async (i) => {
      out[i] = await this.#querySeries(series[i]!, request, resolution);
    });
    return out;
  }

  /**
   * A range query's answer as JSON bytes, for the API. The request thread reads what each
   * series needs from the database (in slices of a few milliseconds, with a turn of the event
   * loop in between) and takes cached columns from the cache; the answer is computed from
   * them on a worker when large (range-pool.ts). The columns of an answer asked for the
   * second time are cached; the first time none are made (QueryCache.admit), which the API
   * reports as a miss either time (`hits` counts series from the cache).
   */
  async queryRangeAnswer(series: readonly SeriesRef[], request: RangeRequest): Promise<RangeAnswerBytes> {
    const resolution = chooseResolution(request, this.retention, this.#now());
    const items: RangeTaskSeries[] = new Array(series.length);
    const misses: { index: number; key: string; stamp: string }[] = [];
    let unkept = 0;
    await inSlices(series.length, async (i) => {
      const ref = series[i]!;
      const key = cacheKey(ref.id, resolution, request);
      const hit = this.#cache.get(key);
      if (hit) {
        items[i] = { id: ref.id, name: ref.name, labels: ref.labels, resolution, cached: { timestamps: hit.timestamps, values: hit.values } };
        return;
      }
      // Columns are made for the cache only from an answer's second ask (QueryCache.admit).
      const keep = this.#cache.admit(key);
      if (keep) misses.push({ index: i, key, stamp: this.#cache.stamp(ref.id) });
      else unkept++;
      items[i] = { id: ref.id, name: ref.name, labels: ref.labels, resolution, keep, source: await readSource(this.storage, ref.id, request, resolution) };
    });
    const answer = await this.ranges.answer({ request, series: items });
    for (const { index, key, stamp } of misses) this.#remember(key, series[index]!.id, request, { resolution, ...answer.computed[index]! }, stamp);
    return { json: Buffer.from(answer.json.buffer, answer.json.byteOffset, answer.json.byteLength), series: series.length, hits: series.length - misses.length - unkept, ...(answer.release ? { release: answer.release } : {}) };
  }

  async latest(series: readonly SeriesRef[]): Promise<SeriesLatest[]> {
    const latest = await this.storage.latest(series.map((ref) => ref.id));
    return series.map((ref, i) => ({ ...ref, latest: latest[i] ?? null }));
  }

  cacheStats(): QueryCacheStats {
    return this.#cache.stats();
  }

  /** The server is quiet: let go of cached answers nobody asked for twice, of kept answer buffers and of kept chunks. Returns the bytes let go. */
  releaseIdleMemory(): number {
    return this.#cache.dropUnread() + this.ranges.releaseIdleMemory() + (this.storage.releaseIdleMemory?.() ?? 0);
  }

  /** Rollups up to date and aged-out data gone: run periodically. */
  async maintain(): Promise<RetentionResult> {
    const deleted = await this.storage.enforceRetention(this.retention, this.#now());
    if (deleted.raw + deleted.minute + deleted.hour > 0) this.#cache.clear();
    return deleted;
  }
}

/**
 * Runs `step` for 0..n-1 in order, in slices of QUERY_SLICE_MS with a turn of the event
 * loop between them, so a query over hundreds of series never holds other requests back long.
 */
async function inSlices(n: number, step: (i: number) => Promise<void>): Promise<void> {
  let sliceStart = performance.now();
  for (let i = 0; i < n; i++) {
    if (performance.now() - sliceStart > QUERY_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    await step(i);
  }
}

/** One series' answer in the query cache. */
function cacheKey(id: number, resolution: SeriesColumns['resolution'], request: RangeRequest): string {
  return `${id}|${resolution}|${request.from}|${request.to}|${request.step ?? ''}|${request.agg}|${request.maxPoints}`;
}
