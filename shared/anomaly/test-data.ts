import { createRandom } from './prng.ts';
import type { Matrix } from './matrix.ts';

/** Gaussian rows (Box-Muller on the seeded PRNG) for tests and benchmarks. */
export function gaussianMatrix(rows: number, cols: number, seed: number): Matrix {
  const random = createRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  }
  return { data, rows, cols };
}
