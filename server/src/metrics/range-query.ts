import { lttbIndices } from '../../../shared/metrics/lttb.ts';
import type { Columns } from './chunk-table.ts';
import { floorTo, type RollupColumns } from './rollups.ts';
import { RESOLUTION_MS, type MetricsStore, type Resolution } from './store.ts';
import type { RetentionPolicy } from './retention.ts';

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

export function queryRange(store: MetricsStore, seriesId: number, request: RangeRequest, resolution: Resolution): SeriesPoints {
  const { from, to, step, agg } = request;
  let timestamps: number[];
  let values: number[];
  if (resolution === 'raw') {
    const raw = store.readColumns(seriesId, from, to + 1);
    [timestamps, values] = step ? bucketRaw(raw, step, agg) : splitRaw(raw, agg);
  } else {
    const width = RESOLUTION_MS[resolution];
    const rows = store.readRollupColumns(resolution, seriesId, floorTo(from, width), to + 1);
    [timestamps, values] = bucketRollups(rows, step && step > width ? step : width, agg);
  }
  return { resolution, ...downsample(timestamps, values, request.maxPoints) };
}

function splitRaw(raw: Columns, agg: Aggregation): [number[], number[]] {
  const timestamps = new Array<number>(raw.length);
  const values = new Array<number>(raw.length);
  // A raw sample is a bucket of one: its count is 1, every other aggregation is itself.
  const count = agg === 'count';
  for (let i = 0; i < raw.length; i++) {
    timestamps[i] = raw.ts[i]!;
    values[i] = count ? 1 : raw.values[i]!;
  }
  return [timestamps, values];
}

function bucketRaw(raw: Columns, step: number, agg: Aggregation): [number[], number[]] {
  const timestamps: number[] = [];
  const values: number[] = [];
  let bucket = NaN;
  let acc = 0;
  let n = 0;
  const emit = () => {
    timestamps.push(bucket);
    values.push(agg === 'avg' ? acc / n : agg === 'count' ? n : acc);
  };
  for (let i = 0; i < raw.length; i++) {
    const ts = raw.ts[i]!;
    const v = raw.values[i]!;
    const b = Math.floor(ts / step) * step;
    if (b !== bucket) {
      if (n > 0) emit();
      bucket = b;
      acc = agg === 'count' ? 0 : v;
      n = 1;
      continue;
    }
    n++;
    if (agg === 'avg' || agg === 'sum') acc += v;
    else if (agg === 'min') acc = v < acc ? v : acc;
    else if (agg === 'max') acc = v > acc ? v : acc;
    else if (agg === 'last') acc = v;
  }
  if (n > 0) emit();
  return [timestamps, values];
}

function bucketRollups(rows: RollupColumns, step: number, agg: Aggregation): [number[], number[]] {
  const timestamps: number[] = [];
  const values: number[] = [];
  let bucket = NaN;
  let min = 0;
  let max = 0;
  let sum = 0;
  let count = 0;
  let last = 0;
  const emit = () => {
    timestamps.push(bucket);
    values.push(pick(agg, min, max, sum, count, last));
  };
  for (let i = 0; i < rows.length; i++) {
    const b = Math.floor(rows.ts[i]! / step) * step;
    if (b !== bucket) {
      if (count > 0) emit();
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
  if (count > 0) emit();
  return [timestamps, values];
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

function downsample(timestamps: number[], values: number[], maxPoints: number): { timestamps: number[]; values: number[] } {
  if (timestamps.length <= maxPoints) return { timestamps, values };
  const keep = lttbIndices(timestamps, values, maxPoints);
  const ts = new Array<number>(keep.length);
  const vs = new Array<number>(keep.length);
  for (let i = 0; i < keep.length; i++) {
    ts[i] = timestamps[keep[i]!]!;
    vs[i] = values[keep[i]!]!;
  }
  return { timestamps: ts, values: vs };
}
