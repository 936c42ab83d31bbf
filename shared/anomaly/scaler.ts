import type { Matrix } from './matrix.ts';

/**
 * Robust scaler fitted on the training window: centre = median, scale = 1.4826 * MAD (the
 * standard deviation for Gaussian data, but unmoved by the anomalies a training window
 * may contain). The forest does not need it (its cuts are scale-free); explanations do:
 * a scaled value is "how many typical deviations from the training baseline".
 */
export interface Scaler {
  centre: Float64Array;
  scale: Float64Array;
}

export function fitScaler(x: Matrix): Scaler {
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
    // A feature flat for more than half the window has MAD 0; fall back to its mean
    // absolute deviation, then to 1, so it can still be expressed in units.
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

export function applyScaler(scaler: Scaler, x: Matrix, out: Float64Array = new Float64Array(x.data.length)): Matrix {
  const { centre, scale } = scaler;
  for (let r = 0; r < x.rows; r++) {
    const base = r * x.cols;
    for (let f = 0; f < x.cols; f++) out[base + f] = (x.data[base + f]! - centre[f]!) / scale[f]!;
  }
  return { data: out, rows: x.rows, cols: x.cols };
}

/** Linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
