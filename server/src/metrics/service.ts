import type { Registry } from 'prom-client';
import type { EventBus } from '../events/bus.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import { compileMatchers, parseSelector, type LabelMatcher } from '../../../shared/metrics/selector.ts';
import { ChunkExport } from './chunk-export.ts';
import { QueryCache, type QueryCacheStats } from './query-cache.ts';
import { chooseResolution, pointsOf, queryRange, type RangeRequest, type SeriesColumns, type SeriesPoints } from './range-query.ts';
import { DEFAULT_RETENTION, enforceRetention, type RetentionPolicy, type RetentionResult } from './retention.ts';
import { MetricsStore, RESOLUTION_MS, type LatestSample, type SampleBatch, type SeriesRef } from './store.ts';
import type { Db } from '../db/database.ts';
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
  events: EventBus;
  now: () => number;
  registry?: Registry;
  retention?: RetentionPolicy;
  cacheMaxPoints?: number;
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
  readonly store: MetricsStore;
  readonly retention: RetentionPolicy;
  /** A target's samples, score writes and anomaly rates: what the anomaly feature may use. */
  readonly targets: TargetReads;
  /** The sync export with chunks as stored (the desktop cache's format). */
  readonly chunkExport: ChunkExport;
  readonly #db: Db;
  readonly #events: EventBus;
  readonly #now: () => number;
  readonly #cache: QueryCache;

  constructor(options: MetricsServiceOptions) {
    this.#db = options.db;
    this.#events = options.events;
    this.#now = options.now;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.store = new MetricsStore(options.db, options.now);
    this.targets = new TargetReads(this.store);
    this.chunkExport = new ChunkExport(options.db);
    this.#cache = new QueryCache({ maxPoints: options.cacheMaxPoints, registry: options.registry });
  }

  /** Stores the batches, drops the cached answers they change, and publishes them live. */
  ingest(batches: readonly SampleBatch[]): { series: number; samples: number } {
    const after = this.store.lastSeq;
    const refs = this.store.append(batches);
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
    if (chunk.length > 0) this.#events.publish({ type: 'samples', data: chunk, range: { after, upTo: this.store.lastSeq } });
    return { series: new Set(refs.map((r) => r.id)).size, samples: total };
  }

  /**
   * Samples stored at export positions (after, upTo], as stream events carry them: how the
   * stream replays sample events. Samples since folded into a chunk come with that chunk
   * (a client may see a sample twice, never miss one); retention may have removed some.
   */
  samplesBetween(after: number, upTo: number): SampleEventData[] {
    const page = this.store.exportAfter(after, Number.MAX_SAFE_INTEGER, upTo);
    const out: SampleEventData[] = new Array(page.ts.length);
    for (let i = 0; i < page.ts.length; i++) {
      const series = this.store.seriesById(page.seriesIds[i]!)!;
      out[i] = { seriesId: series.id, name: series.name, labels: series.labels, ts: page.ts[i]!, value: page.values[i]! };
    }
    return out;
  }

  /** Series matching a PromQL-style selector (`name{label=~"re"}`), or all of them. */
  findSeries(selector?: string | readonly LabelMatcher[]): SeriesRef[] {
    if (selector === undefined || selector === '') return this.store.series();
    const matchers = typeof selector === 'string' ? parseSelector(selector) : selector;
    return this.store.series(compileMatchers(matchers));
  }

  /** Range query for each series, each answer cached until new samples change it. */
  queryRange(series: readonly SeriesRef[], request: RangeRequest): SeriesRange[] {
    return this.queryRangeColumns(series, request).map((s) => ({ id: s.id, name: s.name, labels: s.labels, ...pointsOf(s), cached: s.cached }));
  }

  /** `queryRange` with the points as columns (what the API writes out without copying). */
  queryRangeColumns(series: readonly SeriesRef[], request: RangeRequest): SeriesRangeColumns[] {
    const resolution = chooseResolution(request, this.retention, this.#now());
    return series.map((ref) => this.#querySeries(ref, request, resolution));
  }

  #querySeries(ref: SeriesRef, request: RangeRequest, resolution: SeriesColumns['resolution']): SeriesRangeColumns {
    const key = `${ref.id}|${resolution}|${request.from}|${request.to}|${request.step ?? ''}|${request.agg}|${request.maxPoints}`;
    const hit = this.#cache.get(key);
    if (hit) return { id: ref.id, name: ref.name, labels: ref.labels, ...hit, cached: true };
    const points = queryRange(this.store, ref.id, request, resolution);
    // A sample can change this answer if it lands in any bucket the range touches.
    const margin = Math.max(request.step ?? 0, RESOLUTION_MS[resolution]);
    this.#cache.set(key, ref.id, request.from - margin, request.to, points);
    return { id: ref.id, name: ref.name, labels: ref.labels, ...points, cached: false };
  }

  /**
   * `queryRangeColumns` for the API: series are read in slices of a few milliseconds with a
   * turn of the event loop in between, so a query over hundreds of series never holds
   * other requests (health checks, the stream, small queries) back for long.
   */
  async queryRangeYielding(series: readonly SeriesRef[], request: RangeRequest): Promise<SeriesRangeColumns[]> {
    const resolution = chooseResolution(request, this.retention, this.#now());
    const out: SeriesRangeColumns[] = new Array(series.length);
    let sliceStart = performance.now();
    for (let i = 0; i < series.length; i++) {
      if (performance.now() - sliceStart > QUERY_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      out[i] = this.#querySeries(series[i]!, request, resolution);
    }
    return out;
  }

  latest(series: readonly SeriesRef[]): SeriesLatest[] {
    return series.map((ref) => ({ ...ref, latest: this.store.latest(ref.id) ?? null }));
  }

  cacheStats(): QueryCacheStats {
    return this.#cache.stats();
  }

  /** The server is quiet: let go of cached answers nobody asked for twice. Returns the bytes let go. */
  releaseIdleMemory(): number {
    return this.#cache.dropUnread();
  }

  /** Rollups up to date and aged-out data gone: run periodically. */
  maintain(): RetentionResult {
    const deleted = enforceRetention(this.#db, this.store, this.retention, this.#now());
    if (deleted.raw + deleted.minute + deleted.hour > 0) this.#cache.clear();
    return deleted;
  }
}
