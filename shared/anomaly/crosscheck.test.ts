import { describe, expect, it } from 'vitest';
import { IsolationForest } from 'ml-isolation-forest';
import { fitForest, scoreForest } from './forest.ts';
import { matrixFromRows } from './matrix.ts';
import { gaussianMatrix } from './test-data.ts';

describe('cross-check against ml-isolation-forest', () => {
  it('both rank the same clear outliers at the top', () => {
    const bulk = gaussianMatrix(400, 3, 21);
    const rows: number[][] = [];
    for (let r = 0; r < bulk.rows; r++) rows.push(Array.from(bulk.data.subarray(r * 3, r * 3 + 3)));
    const outliers = [
      [8, 0, 0],
      [0, -9, 0],
      [0, 0, 10],
      [6, 6, -6],
    ];
    const all = [...rows, ...outliers];
    const theirs = new IsolationForest({ nEstimators: 100 });
    theirs.train(all);
    const theirScores: number[] = theirs.predict(all);
    const matrix = matrixFromRows(all);
    const ourScores = scoreForest(fitForest(matrix, { seed: 1 }), matrix);
    const top = (scores: ArrayLike<number>) =>
      Array.from(scores, (s, i) => [s, i] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, outliers.length)
        .map(([, i]) => i)
        .sort((a, b) => a - b);
    const planted = outliers.map((_, k) => rows.length + k);
    expect(top(ourScores)).toEqual(planted);
    expect(top(theirScores)).toEqual(planted);
  });
});
