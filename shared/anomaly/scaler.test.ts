import { describe, expect, it } from 'vitest';
import { createRandom } from './prng.ts';
import { fitScaler, quantileSorted, selectInPlace, type Scaler } from './scaler.ts';
import type { Matrix } from './matrix.ts';

/** The scaler as it was fitted before selection replaced the sorts: every stored model's centre and scale. */
function sortedScaler(x: Matrix): Scaler {
  const centre = new Float64Array(x.cols);
  const scale = new Float64Array(x.cols);
  const column = new Float64Array(x.rows);
  for (let f = 0; f < x.cols; f++) {
    for (let r = 0; r < x.rows; r++) column[r] = x.data[r * x.cols + f]!;
    column.sort();
    const median = quantileSorted(column, 0.5);
    for (let r = 0; r < x.rows; r++) column[r] = Math.abs(column[r]! - median);
    column.sort();
    let spread = 1.4826 * quantileSorted(column, 0.5);
    if (!(spread > 0)) {
      let sum = 0;
      for (let r = 0; r < x.rows; r++) sum += column[r]!;
      spread = 1.2533 * (sum / Math.max(1, x.rows));
    }
    centre[f] = median;
    scale[f] = spread > 0 ? spread : 1;
  }
  return { centre, scale };
}

/** Columns of the shapes feature rows take: noise, few distinct values, flat, zeros of both signs, infinities, NaN. */
function columns(rows: number, seed: number): Matrix {
  const random = createRandom(seed);
  const makers: Array<(r: number) => number> = [
    () => random.next() * 100 - 50,
    () => random.int(4),
    () => 7,
    (r) => (r % 3 === 0 ? 5 : 7),
    () => (random.int(2) === 0 ? -0 : 0),
    () => [-0, 0, 1e-12, -1e-12][random.int(4)]!,
    (r) => (r === 0 ? Infinity : random.next()),
    (r) => (r < rows / 2 ? -Infinity : random.next()),
    (r) => (r === rows - 1 ? NaN : random.next()),
    () => (random.int(3) === 0 ? NaN : random.next()),
    () => (random.int(10) === 0 ? 1e300 : -1e300),
    (r) => r,
    (r) => -r,
  ];
  const data = new Float64Array(rows * makers.length);
  for (let r = 0; r < rows; r++) for (let f = 0; f < makers.length; f++) data[r * makers.length + f] = makers[f]!(r);
  return { data, rows, cols: makers.length };
}

describe('fitScaler', () => {
  it('gives the centre and scale the sorting fit gave, bit for bit', () => {
    for (const rows of [0, 1, 2, 3, 4, 5, 8, 31, 288, 289, 576, 1_000, 4_032]) {
      for (const seed of [1, 2, 3]) {
        const x = columns(rows, seed);
        const expected = sortedScaler(x);
        const got = fitScaler(x);
        for (let f = 0; f < x.cols; f++) {
          expect(Object.is(got.centre[f], expected.centre[f]), `rows ${rows} seed ${seed} column ${f}: centre ${got.centre[f]} vs ${expected.centre[f]}`).toBe(true);
          expect(Object.is(got.scale[f], expected.scale[f]), `rows ${rows} seed ${seed} column ${f}: scale ${got.scale[f]} vs ${expected.scale[f]}`).toBe(true);
        }
      }
    }
  });
});

describe('selectInPlace', () => {
  it('finds each order statistic and partitions around it', () => {
    const random = createRandom(5);
    for (const n of [1, 2, 3, 10, 257]) {
      const values = Float64Array.from({ length: n }, () => random.int(6) - 2);
      const sorted = Float64Array.from(values).sort();
      for (let k = 0; k < n; k++) {
        const work = Float64Array.from(values);
        expect(selectInPlace(work, k)).toBe(sorted[k]);
        const misplaced = work.findIndex((v, i) => (i < k ? v > work[k]! : v < work[k]!));
        expect(misplaced, `n ${n}, k ${k}`).toBe(-1);
      }
    }
  });
});
