/**
 * Order-preserving 24-bit integer keys for feature values. Splits compare keys instead of
 * floats so that the scoring loop is integer arithmetic without branches: with both keys
 * in [0, 2^24), (thresholdKey - valueKey) >>> 31 is 1 exactly when value > threshold.
 * A key keeps the top 24 bits of the float32 pattern (sign, exponent, 15 mantissa bits),
 * a relative resolution of about 3e-5 on scaled features, far below any useful split.
 */
const f32 = new Float32Array(1);
const bits = new Int32Array(f32.buffer);

export const KEY_BITS = 24;
/** Larger than any value's key (NaN included), so a split on it always goes left. */
export const PASS_THROUGH_KEY = (1 << KEY_BITS) - 1;

export function splitKey(value: number): number {
  f32[0] = value;
  const b = bits[0]!;
  const ordered = b >= 0 ? b : b ^ 0x7fffffff;
  return (ordered >> 8) + (1 << (KEY_BITS - 1));
}

export function keysOf(values: Float64Array, out: Int32Array = new Int32Array(values.length)): Int32Array {
  for (let i = 0; i < values.length; i++) out[i] = splitKey(values[i]!);
  return out;
}
