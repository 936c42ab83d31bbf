/**
 * Prometheus sends sample values as strings so that NaN and the infinities survive JSON:
 * "NaN", "+Inf", "-Inf", or a Go float. `Number("+Inf")` would be NaN, hence this parser.
 */
export function parsePromValue(value: string): number {
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    default:
      return Number(value);
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A Prometheus duration (`30s`, `1h30m`, `250ms`) or plain (fractional) seconds, in seconds; NaN if neither. */
export function parsePromDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(trimmed)) return Number.NaN;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) seconds += Number(amount) * DURATION_UNITS[unit!]!;
  return seconds;
}

/** A Prometheus time parameter (Unix seconds, possibly fractional, or RFC 3339), in ms; NaN if neither. */
export function parsePromTime(text: string): number {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return Number.NaN;
  return Date.parse(trimmed);
}

/** Unix ms as the seconds string Prometheus takes (`1700000000.5`). */
export function promSeconds(ms: number): string {
  return (ms / 1000).toString();
}
