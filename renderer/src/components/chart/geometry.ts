import type { SeriesData } from '../../features/metrics/series-data.ts';

export interface Extent {
  min: number;
  max: number;
}

/** Time and value extents over all series; a flat line still gets some height. */
export function extents(series: readonly Pick<SeriesData, 'timestamps' | 'values'>[]): { x: Extent; y: Extent } | null {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const one of series) {
    const n = one.timestamps.length;
    if (n === 0) continue;
    xMin = Math.min(xMin, one.timestamps[0] as number);
    xMax = Math.max(xMax, one.timestamps[n - 1] as number);
    for (let i = 0; i < n; i += 1) {
      const v = one.values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (v < yMin) yMin = v;
      if (v > yMax) yMax = v;
    }
  }
  if (!Number.isFinite(xMin) || !Number.isFinite(yMin)) return null;
  if (yMin === yMax) {
    const pad = yMin === 0 ? 1 : Math.abs(yMin) * 0.1;
    yMin -= pad;
    yMax += pad;
  }
  // Gauges that never go negative read better anchored at zero.
  if (yMin > 0 && yMin < (yMax - yMin) * 0.5) yMin = 0;
  return { x: { min: xMin, max: xMax }, y: { min: yMin, max: yMax } };
}

/** Radius in pixels of the ring that stands for a sample with no neighbour to draw a line to. */
export const LONE_POINT_RADIUS = 2.5;

/**
 * One SVG path for a whole series, built in a single pass without an object per point.
 * Non-finite values break the line (a gap), they are never drawn as zero. A sample alone
 * between gaps (or the only one: a series that just appeared) would be a zero-length
 * segment, which draws nothing; it becomes a small ring in the same path instead.
 */
export function linePath(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let run = 0;
  const r = LONE_POINT_RADIUS;
  const ring = `m${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
  for (let i = 0; i < timestamps.length; i += 1) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      if (run === 1) d += ring;
      run = 0;
      continue;
    }
    // Tenths of a pixel: shorter strings than full doubles, no visible difference.
    d += `${run > 0 ? 'L' : 'M'}${Math.round(x(timestamps[i] as number) * 10) / 10},${Math.round(y(v) * 10) / 10}`;
    run += 1;
  }
  if (run === 1) d += ring;
  return d;
}

/** Index of the sample nearest to t in a sorted timestamp array (binary search). */
export function nearestIndex(timestamps: ArrayLike<number>, t: number): number {
  const n = timestamps.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((timestamps[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((timestamps[lo - 1] as number) - t) <= Math.abs((timestamps[lo] as number) - t)) return lo - 1;
  return lo;
}
