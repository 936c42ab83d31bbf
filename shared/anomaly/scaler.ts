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
    let nan = false;
    for (let r = 0; r < x.rows; r++) {
      const v = x.data[r * x.cols + f]!;
      column[r] = v;
      if (v !== v) nan = true;
    }
    const median = medianOf(column, nan);
    nan = false;
    for (let r = 0; r < x.rows; r++) {
      const d = Math.abs(column[r]! - median);
      column[r] = d;
      if (d !== d) nan = true;
    }
    let spread = 1.4826 * medianOf(column, nan);
    // A feature flat for more than half the window has MAD 0; fall back to its mean
    // absolute deviation, then to 1, so it can still be expressed in units. Summed in
    // ascending order, as this has always summed it (the same bits).
    if (!(spread > 0)) {
      column.sort();
      let sum = 0;
      for (let r = 0; r < x.rows; r++) sum += column[r]!;
      spread = 1.2533 * (sum / Math.max(1, x.rows));
    }
    centre[f] = median;
    scale[f] = spread > 0 ? spread : 1;
  }
  return { centre, scale };
}

/**
 * `quantileSorted(sorted values, 0.5)` without sorting: the two middle order statistics by
 * selection, O(n) against the sort's O(n log n) (a fit's scaler sorted every feature
 * column twice: ~20 % of the scoring worker's CPU in a back-fill). The same number, bit
 * for bit: the order statistics are the same values, and quantileSorted's sum gives +0 for
 * either zero. Reorders `values`. A column with NaN (which a sort puts last) is sorted.
 */
function medianOf(values: Float64Array, nan: boolean): number {
  const n = values.length;
  if (nan || n < 3) return quantileSorted(values.sort(), 0.5);
  const pos = 0.5 * (n - 1);
  const lo = Math.floor(pos);
  const a = selectInPlace(values, lo);
  // After the selection everything right of `lo` is no smaller: the next order statistic is
  // their least. Read even for odd n, as quantileSorted does (a + (Infinity - a) * 0 is NaN).
  let b = values[lo + 1]!;
  for (let i = lo + 2; i < n; i++) if (values[i]! < b) b = values[i]!;
  return a + (b - a) * (pos - lo);
}

/**
 * The k-th smallest of `arr` (0-based), leaving it at `arr[k]`, no larger values before
 * it and no smaller after (Hoare partitions about a median of three, as in Numerical
 * Recipes' `select`: columns of one repeated value, common here, stay linear). No NaN.
 */
export function selectInPlace(arr: Float64Array, k: number): number {
  let l = 0;
  let ir = arr.length - 1;
  for (;;) {
    if (ir <= l + 1) {
      if (ir === l + 1 && arr[ir]! < arr[l]!) swap(arr, l, ir);
      return arr[k]!;
    }
    const mid = (l + ir) >> 1;
    swap(arr, mid, l + 1);
    if (arr[l]! > arr[ir]!) swap(arr, l, ir);
    if (arr[l + 1]! > arr[ir]!) swap(arr, l + 1, ir);
    if (arr[l]! > arr[l + 1]!) swap(arr, l, l + 1);
    let i = l + 1;
    let j = ir;
    const pivot = arr[l + 1]!;
    for (;;) {
      do i++;
      while (arr[i]! < pivot);
      do j--;
      while (arr[j]! > pivot);
      if (j < i) break;
      swap(arr, i, j);
    }
    arr[l + 1] = arr[j]!;
    arr[j] = pivot;
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
}

function swap(arr: Float64Array, i: number, j: number): void {
  const t = arr[i]!;
  arr[i] = arr[j]!;
  arr[j] = t;
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
