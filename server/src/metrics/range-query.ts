import { lttbIndices } from '../../../shared/metrics/lttb.ts';
import type { Columns } from './chunk-table.ts';
import { floorTo, type RollupColumns } from './rollups.ts';
import { RESOLUTION_MS, type Resolution } from './store.ts';
import type { MetricsStorage } from './storage.ts';
import type { RetentionPolicy } from './retention.ts';
import { decodeRawInto, rawSampleCount, type RawChunks } from './raw-chunks.ts';

export const AGGREGATIONS = ['avg', 'min', 'max', 'sum', 'count', 'last'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface RangeRequest {
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, inclusive. */
  to: number;
  /** Bucket width in ms; absent: the source's own points. */
  step?: number;
  agg: Aggregation;
  /** Upper bound on returned points; more are reduced by LTTB. */
  maxPoints: number;
}

export interface SeriesPoints {
  resolution: Resolution;
  timestamps: number[];
  values: number[];
}

/** A range answer as columns: what the API writes out and the query cache keeps (16 bytes a point). */
export interface SeriesColumns {
  resolution: Resolution;
  timestamps: Float64Array;
  values: Float64Array;
}

/** The columns as plain arrays, for callers that want them (chat cards, tests). */
export function pointsOf(columns: SeriesColumns): SeriesPoints {
  return { resolution: columns.resolution, timestamps: Array.from(columns.timestamps), values: Array.from(columns.values) };
}
/**
 * Picks the coarsest source that still answers the request: the step asked for (or, with
 * none, the spacing maxPoints allows) decides between raw, 1 m and 1 h, and a range that
 * starts before a resolution's retention moves up to one that still has the data.
 */
export function chooseResolution(request: RangeRequest, retention: RetentionPolicy, now: number): Resolution {
  const spacing = request.step ?? (request.to - request.from) / request.maxPoints;
  let resolution: Resolution = spacing >= RESOLUTION_MS['1h'] ? '1h' : spacing >= RESOLUTION_MS['1m'] ? '1m' : 'raw';
  if (resolution === 'raw' && request.from < now - retention.rawMs) resolution = '1m';
  if (resolution === '1m' && request.from < now - retention.minuteMs) resolution = '1h';
  return resolution;
}

/**
 * What one series' answer is computed from, as read from the database: raw chunks not yet
 * decoded, or rollup buckets. Reading it is cheap; computing the answer from it (decoding,
 * bucketing, downsampling) is the heavy part, which may run on a worker (range-pool.ts).
 */
export type SeriesSource = { kind: 'raw'; raw: RawChunks } | { kind: 'rollup'; rows: RollupColumns };

/** Reads what the answer of one series at `resolution` is computed from. */
export async function readSource(store: MetricsStorage, seriesId: number, request: RangeRequest, resolution: Resolution): Promise<SeriesSource> {
  if (resolution === 'raw') return { kind: 'raw', raw: await store.readRawChunks(seriesId, request.from, request.to + 1) };
  const width = RESOLUTION_MS[resolution];
  return { kind: 'rollup', rows: await store.readRollupColumns(resolution, seriesId, floorTo(request.from, width), request.to + 1) };
}

/** Samples (or buckets) computing an answer from `source` goes through: the measure of its cost. */
export function sourceSize(source: SeriesSource): number {
  return source.kind === 'raw' ? rawSampleCount(source.raw) : source.rows.length;
}

/**
 * One series' answer from its source. Raw samples are decoded into a scratch buffer and
 * steps aggregated into a second one, both reused by every call (each thread has its own);
 * only the answer's exactly sized columns are new. Fresh memory is what a request pays for
 * most under jemalloc: every page of a new large buffer is a page fault on first write
 * (docs/benchmarks.md, "Range queries: CPU per request"), so intermediate columns are not
 * allocated per request. With `fresh` false (an answer the query cache will not keep) not
 * even those: the columns returned are views of this thread's scratch space, valid until its
 * next call (range-answer.ts writes them out at once).
 */
export function answerColumns(source: SeriesSource, request: RangeRequest, resolution: Resolution, fresh = true): SeriesColumns {
  const { from, to, step, agg } = request;
  let out: Columns;
  if (source.kind === 'raw') {
    const raw = decodeRawInto(source.raw, from, to + 1, scratch);
    // Grown to the largest range read so far: kept for the next query.
    scratch = raw;
    out = step ? bucketRaw(raw, step, agg) : agg === 'count' ? countRaw(raw) : raw;
  } else {
    const width = RESOLUTION_MS[resolution];
    out = bucketRollups(source.rows, step && step > width ? step : width, agg);
  }
  return { resolution, ...downsample(out, request.maxPoints, fresh) };
}

/** One series' answer, read and computed on this thread (the service's column API: chat cards, the overview). */
export async function queryRange(store: MetricsStorage, seriesId: number, request: RangeRequest, resolution: Resolution): Promise<SeriesColumns> {
  return answerColumns(await readSource(store, seriesId, request, resolution), request, resolution);
}

/** Decoded raw samples of the last answer; grows to the largest range read, never shrinks below it. */
let scratch: Columns = { ts: new Float64Array(8640), values: new Float64Array(8640), length: 0 };
/** Aggregated steps of the last answer, before LTTB: grows like `scratch`. */
let buckets: Columns = { ts: new Float64Array(2048), values: new Float64Array(2048), length: 0 };
/** Indices LTTB keeps, reused likewise. */
let kept = new Uint32Array(2048);
/** The points LTTB keeps, for an answer whose columns are not kept (`fresh` false). */
let picked: Columns = { ts: new Float64Array(2048), values: new Float64Array(2048), length: 0 };

/** The bucket scratch with room for `n` points, emptied. */
function bucketsFor(n: number): Columns {
  if (buckets.ts.length < n) buckets = { ts: new Float64Array(n), values: new Float64Array(n), length: 0 };
  buckets.length = 0;
  return buckets;
}

/** Raw samples counted: a raw sample is a bucket of one. */
function countRaw(raw: Columns): Columns {
  const out = bucketsFor(raw.length);
  out.ts.set(raw.ts.subarray(0, raw.length));
  out.values.fill(1, 0, raw.length);
  out.length = raw.length;
  return out;
}

function bucketRaw(raw: Columns, step: number, agg: Aggregation): Columns {
  const n = raw.length;
  if (n === 0) return bucketsFor(0);
  const ts = raw.ts;
  const vs = raw.values;
  // Buckets are at most one per sample and one per step the samples span.
  const span = Math.floor(ts[n - 1]! / step) - Math.floor(ts[0]! / step) + 1;
  const out = bucketsFor(Math.min(n, span));
  const outTs = out.ts;
  const outValues = out.values;
  const mode = AGG_CODE[agg];
  let w = 0;
  let i = 0;
  while (i < n) {
    const bucket = Math.floor(ts[i]! / step) * step;
    let j = i + 1;
    while (j < n && Math.floor(ts[j]! / step) * step === bucket) j++;
    outTs[w] = bucket;
    outValues[w++] = reduce(mode, vs, i, j);
    i = j;
  }
  out.length = w;
  return out;
}

const AGG_CODE: Record<Aggregation, number> = { avg: 0, sum: 1, min: 2, max: 3, count: 4, last: 5 };

/** The aggregate of `vs[i, j)` (at least one sample), in the order the samples come: the same doubles as a running accumulator. */
function reduce(mode: number, vs: Float64Array, i: number, j: number): number {
  let acc = vs[i]!;
  switch (mode) {
    case 0:
    case 1:
      for (let k = i + 1; k < j; k++) acc += vs[k]!;
      return mode === 0 ? acc / (j - i) : acc;
    case 2:
      for (let k = i + 1; k < j; k++) acc = vs[k]! < acc ? vs[k]! : acc;
      return acc;
    case 3:
      for (let k = i + 1; k < j; k++) acc = vs[k]! > acc ? vs[k]! : acc;
      return acc;
    case 4:
      return j - i;
    default:
      return vs[j - 1]!;
  }
}

function bucketRollups(rows: RollupColumns, step: number, agg: Aggregation): Columns {
  const out = bucketsFor(rows.length);
  let w = 0;
  let bucket = NaN;
  let min = 0;
  let max = 0;
  let sum = 0;
  let count = 0;
  let last = 0;
  for (let i = 0; i < rows.length; i++) {
    const b = Math.floor(rows.ts[i]! / step) * step;
    if (b !== bucket) {
      if (count > 0) {
        out.ts[w] = bucket;
        out.values[w++] = pick(agg, min, max, sum, count, last);
      }
      bucket = b;
      min = rows.min[i]!;
      max = rows.max[i]!;
      sum = rows.sum[i]!;
      count = rows.count[i]!;
      last = rows.last[i]!;
      continue;
    }
    if (rows.min[i]! < min) min = rows.min[i]!;
    if (rows.max[i]! > max) max = rows.max[i]!;
    sum += rows.sum[i]!;
    count += rows.count[i]!;
    last = rows.last[i]!;
  }
  if (count > 0) {
    out.ts[w] = bucket;
    out.values[w++] = pick(agg, min, max, sum, count, last);
  }
  out.length = w;
  return out;
}

function pick(agg: Aggregation, min: number, max: number, sum: number, count: number, last: number): number {
  switch (agg) {
    case 'avg':
      return sum / count;
    case 'min':
      return min;
    case 'max':
      return max;
    case 'sum':
      return sum;
    case 'count':
      return count;
    case 'last':
      return last;
  }
}

/**
 * The answer's columns from scratch columns, copied, or reduced by LTTB when there are more
 * than `maxPoints`: new and exactly sized when `fresh` (the query cache keeps them; a worker
 * moves them), else views of scratch space.
 */
function downsample(c: Columns, maxPoints: number, fresh: boolean): { timestamps: Float64Array; values: Float64Array } {
  if (c.length <= maxPoints) {
    if (!fresh) return { timestamps: c.ts.subarray(0, c.length), values: c.values.subarray(0, c.length) };
    return { timestamps: c.ts.slice(0, c.length), values: c.values.slice(0, c.length) };
  }
  if (kept.length < maxPoints) kept = new Uint32Array(maxPoints);
  const keep = lttbIndices(c.ts.subarray(0, c.length), c.values.subarray(0, c.length), maxPoints, kept);
  if (!fresh && picked.ts.length < keep.length) picked = { ts: new Float64Array(maxPoints), values: new Float64Array(maxPoints), length: 0 };
  const ts = fresh ? new Float64Array(keep.length) : picked.ts.subarray(0, keep.length);
  const vs = fresh ? new Float64Array(keep.length) : picked.values.subarray(0, keep.length);
  for (let i = 0; i < keep.length; i++) {
    ts[i] = c.ts[keep[i]!]!;
    vs[i] = c.values[keep[i]!]!;
  }
  return { timestamps: ts, values: vs };
}
