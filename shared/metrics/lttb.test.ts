import { describe, expect, it } from 'vitest';
import { LTTB } from 'downsample';
import { lttbIndices } from './lttb.ts';

describe('LTTB downsampling', () => {
  it('picks the same points as the downsample package', () => {
    // Except the last: when float rounding leaves the final bucket short, the package
    // returns the point before the last one; the last point is always kept here.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const n = 5000;
    const xs = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 10_000);
    const ys = xs.map((_, i) => Math.sin(i / 50) * 10 + random() * 3);
    const ours = [...lttbIndices(xs, ys, 300)].map((i) => [xs[i], ys[i]]);
    const theirs = LTTB(xs.map((x, i) => [x, ys[i]!] as [number, number]), 300) as [number, number][];
    expect(ours.slice(0, -1)).toEqual(theirs.slice(0, -1));
    expect(ours.at(-1)).toEqual([xs[n - 1], ys[n - 1]]);
  });

  it('keeps first and last, returns exactly the threshold, and keeps a spike', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((i) => (i === 517 ? 100 : 0));
    const kept = lttbIndices(xs, ys, 20);
    expect(kept.length).toBe(20);
    expect(kept[0]).toBe(0);
    expect(kept[19]).toBe(999);
    expect([...kept]).toContain(517);
  });

  it('returns everything when there are fewer points than the threshold', () => {
    expect([...lttbIndices([1, 2, 3], [1, 2, 3], 10)]).toEqual([0, 1, 2]);
    expect(() => lttbIndices([1, 2, 3, 4], [1, 2, 3, 4], 2)).toThrow(RangeError);
  });
});
