/** A relative range follows now (and the live stream); an absolute one is fixed (after a zoom). */
export type TimeRange = { kind: 'relative'; minutes: number } | { kind: 'absolute'; from: number; to: number };

export const PRESETS: ReadonlyArray<{ value: string; label: string; minutes: number }> = [
  { value: '15', label: '15m', minutes: 15 },
  { value: '60', label: '1h', minutes: 60 },
  { value: '360', label: '6h', minutes: 360 },
  { value: '1440', label: '24h', minutes: 1440 },
  { value: '10080', label: '7d', minutes: 10080 },
];

export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  return range.kind === 'relative' ? { from: now - range.minutes * 60_000, to: now } : { from: range.from, to: range.to };
}

/** URL form: `1h`-style minutes for relative ranges, `from..to` in ms for absolute ones. */
export function encodeRange(range: TimeRange): string {
  return range.kind === 'relative' ? `${range.minutes}m` : `${Math.round(range.from)}..${Math.round(range.to)}`;
}

export function decodeRange(text: string | null, fallback: TimeRange): TimeRange {
  if (!text) return fallback;
  const relative = /^(\d+)m$/.exec(text);
  if (relative) return { kind: 'relative', minutes: Number(relative[1]) };
  const absolute = /^(\d+)\.\.(\d+)$/.exec(text);
  if (absolute && Number(absolute[1]) < Number(absolute[2])) return { kind: 'absolute', from: Number(absolute[1]), to: Number(absolute[2]) };
  return fallback;
}

/** Points to ask for: one per horizontal pixel, rounded so that small resizes reuse the cache. */
export function pointsForWidth(width: number): number {
  return Math.min(20_000, Math.max(100, Math.ceil(width / 100) * 100));
}
