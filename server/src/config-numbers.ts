/**
 * Numbers as people write them in a setting: decimal digits only. `Number()` alone also takes
 * `0x10` (16), `0b11`, `1e3` and an integer in a float's spelling, so a mistyped value
 * such as `SMARTCLOUDOPS_PORT=0x1F90` started a server on another port without a word.
 */
const DECIMAL_INTEGER = /^\d+$/;
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of a whole non-negative decimal number (surrounding spaces allowed), else null. */
export function decimalInteger(raw: string): number | null {
  const text = raw.trim();
  return DECIMAL_INTEGER.test(text) ? Number(text) : null;
}

/** The value of a finite decimal number (`0.5`, `1e-9`), else null. */
export function decimalNumber(raw: string): number | null {
  const text = raw.trim();
  if (!DECIMAL_NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
