import { describe, expect, it } from 'vitest';
import { fitForest, scoreForest, scoreRow, sumPathLengths } from './forest.ts';
import { keysOf } from './split-key.ts';
import { createWasmWalker } from './wasm-walker.ts';
import { averagePathLength, depthLimit } from './path-length.ts';
import { gaussianMatrix } from './test-data.ts';

describe('c(n), the average path length of an unsuccessful BST search', () => {
  it('matches the closed forms of Liu, Ting and Zhou', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2 H(n-1) - 2 (n-1)/n with H(i) ~ ln(i) + Euler's gamma, as scikit-learn computes it.
    expect(averagePathLength(256)).toBeCloseTo(10.244770920116851, 10);
    expect(averagePathLength(3)).toBeCloseTo(2 * (Math.log(2) + 0.5772156649015329) - 4 / 3, 12);
  });
});

describe('fitForest', () => {
  const train = gaussianMatrix(2_000, 4, 11);

  it('limits depth to ceil(log2 psi) and sub-samples psi rows', () => {
    expect(depthLimit(256)).toBe(8);
    expect(depthLimit(100)).toBe(7);
    const forest = fitForest(train, { trees: 10, sampleSize: 256 });
    expect(forest.depth).toBe(8);
    expect(forest.sampleSize).toBe(256);
    expect(forest.splits.length).toBe(10 * 255);
    expect(forest.leafPath.length).toBe(10 * 256);
    expect(fitForest(gaussianMatrix(50, 2, 1), { sampleSize: 256 }).sampleSize).toBe(50);
  });

  it('is reproducible by seed and differs between seeds', () => {
    const a = fitForest(train, { seed: 42 });
    const b = fitForest(train, { seed: 42 });
    const c = fitForest(train, { seed: 43 });
    expect(b.splits).toEqual(a.splits);
    expect(b.leafPath).toEqual(a.leafPath);
    expect(c.splits).not.toEqual(a.splits);
    expect(scoreForest(b, train)).toEqual(scoreForest(a, train));
  });

  it('scores a planted outlier above the whole bulk', () => {
    const forest = fitForest(train, { seed: 5 });
    const bulk = scoreForest(forest, train);
    const outlier = scoreRow(forest, [5, -5, 5, -5]);
    expect(outlier).toBeGreaterThan(Math.max(...bulk));
    expect(outlier).toBeGreaterThan(0.65);
    const median = [...bulk].sort()[bulk.length >> 1]!;
    expect(median).toBeGreaterThan(0.35);
    expect(median).toBeLessThan(0.5);
  });

  it('never splits on a constant feature', () => {
    const x = gaussianMatrix(500, 3, 2);
    for (let r = 0; r < x.rows; r++) x.data[r * 3 + 1] = 7;
    const forest = fitForest(x, { trees: 20 });
    const used = new Set<number>();
    for (const w of forest.splits) if ((w & 0xffffff) !== 0xffffff) used.add(w >>> 24);
    expect([...used].sort()).toEqual([0, 2]);
  });

  it('scores rows in blocks exactly as one by one', () => {
    const forest = fitForest(train, { trees: 30, seed: 9 });
    const rows = gaussianMatrix(1_000, 4, 3);
    const batch = scoreForest(forest, rows);
    for (const r of [0, 7, 255, 256, 999]) expect(scoreRow(forest, rows.data.subarray(r * 4, r * 4 + 4))).toBe(batch[r]);
  });

  it('rejects bad input', () => {
    expect(() => fitForest(gaussianMatrix(1, 2, 1))).toThrow(RangeError);
    const forest = fitForest(train, { trees: 5 });
    expect(() => scoreForest(forest, gaussianMatrix(3, 5, 1))).toThrow(RangeError);
  });
});

describe('the WebAssembly walk', () => {
  it('gives exactly the sums of the JavaScript walk, with any row count', () => {
    const walker = createWasmWalker();
    expect(walker).toBeDefined();
    const forest = fitForest(gaussianMatrix(3_000, 5, 8), { trees: 40, seed: 4 });
    for (const rows of [1, 7, 8, 9, 200, 256]) {
      const x = gaussianMatrix(rows, 5, rows);
      const { keys, sums } = walker!.prepare(forest, 5, rows);
      keysOf(x.data, keys);
      walker!.walk(forest, 5, rows);
      const expected = new Int32Array(rows);
      sumPathLengths(forest, keysOf(x.data), 5, rows, expected);
      expect(Array.from(sums)).toEqual(Array.from(expected));
    }
  });

  it('reloads the trees when another forest is scored', () => {
    const a = fitForest(gaussianMatrix(1_000, 3, 1), { trees: 10, seed: 1 });
    const b = fitForest(gaussianMatrix(1_000, 3, 2), { trees: 50, sampleSize: 512, seed: 2 });
    const x = gaussianMatrix(100, 3, 3);
    const first = scoreForest(a, x);
    scoreForest(b, x);
    expect(scoreForest(a, x)).toEqual(first);
  });
});
