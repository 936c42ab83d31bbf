import { describe, expect, it } from 'vitest';
import { extents, LONE_POINT_RADIUS, linePath, nearestIndex } from './geometry.ts';

describe('chart geometry', () => {
  it('finds the extents over all series and anchors positive gauges at zero', () => {
    const result = extents([
      { timestamps: [10, 20], values: [1, 7] },
      { timestamps: [5, 30], values: [6, 9] },
    ]);
    expect(result).toEqual({ x: { min: 5, max: 30 }, y: { min: 0, max: 9 } });
  });

  it('gives a flat line some height and ignores empty series', () => {
    expect(extents([{ timestamps: [], values: [] }])).toBeNull();
    const flat = extents([{ timestamps: [1, 2], values: [4, 4] }])?.y;
    expect(flat?.min).toBeCloseTo(3.6);
    expect(flat?.max).toBeCloseTo(4.4);
  });

  it('draws one path and breaks it at missing values', () => {
    const d = linePath([0, 1, 2, 3, 4], [1, 5, Number.NaN, 2, 3], (t) => t * 10, (v) => v);
    expect(d).toBe('M0,1L10,5M30,2L40,3');
  });

  it('draws a sample with no neighbour as a small ring, not as an invisible zero-length line', () => {
    const ring = `m-${LONE_POINT_RADIUS},0a${LONE_POINT_RADIUS},${LONE_POINT_RADIUS} 0 1,0 ${2 * LONE_POINT_RADIUS},0a${LONE_POINT_RADIUS},${LONE_POINT_RADIUS} 0 1,0 -${2 * LONE_POINT_RADIUS},0`;
    // The only sample of a series that just appeared.
    expect(linePath([5], [42], (t) => t * 10, (v) => v)).toBe(`M50,42${ring}`);
    // Alone between gaps, at the start and at the end.
    expect(linePath([0, 1, 2, 3, 4, 5], [1, Number.NaN, 2, Number.NaN, Number.NaN, 3], (t) => t * 10, (v) => v)).toBe(`M0,1${ring}M20,2${ring}M50,3${ring}`);
    // Nothing to draw at all.
    expect(linePath([0, 1], [Number.NaN, Number.POSITIVE_INFINITY], (t) => t, (v) => v)).toBe('');
  });

  it('finds the nearest sample by binary search', () => {
    const ts = [0, 10, 20, 30];
    expect(nearestIndex(ts, -5)).toBe(0);
    expect(nearestIndex(ts, 14)).toBe(1);
    expect(nearestIndex(ts, 16)).toBe(2);
    expect(nearestIndex(ts, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});
