/** Prometheus refuses a range query of more than this many points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** Points a chart draws when the caller does not say (about one per pixel of a wide chart). */
export const DEFAULT_MAX_POINTS = 1_100;

export interface RangeWindow {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/**
 * Grafana's step handling: the step is at least the scrape interval (finer steps only
 * repeat samples) and at least range / maxPoints (no more points than can be drawn), never
 * so small that Prometheus's 11,000-point limit is hit (alignment may add one point, hence the margin of two); an explicit step is raised to those
 * floors, not lowered. Start and end are then aligned to a multiple of the step, so two
 * charts of the same range (and the cache) see identical timestamps as time moves on.
 */
export function planRange(options: { startMs: number; endMs: number; stepSeconds?: number; maxPoints?: number; scrapeIntervalSeconds: number }): RangeWindow {
  const rangeMs = Math.max(0, options.endMs - options.startMs);
  const maxPoints = Math.min(options.maxPoints ?? DEFAULT_MAX_POINTS, MAX_POINTS_PER_SERIES);
  const floorMs = Math.max(options.scrapeIntervalSeconds * 1000, Math.ceil(rangeMs / (MAX_POINTS_PER_SERIES - 2)));
  const wantedMs = options.stepSeconds !== undefined ? options.stepSeconds * 1000 : Math.ceil(rangeMs / maxPoints / 1000) * 1000;
  const stepMs = Math.max(1, Math.ceil(Math.max(wantedMs, floorMs)));
  const startMs = Math.floor(options.startMs / stepMs) * stepMs;
  const endMs = Math.max(startMs, Math.floor(options.endMs / stepMs) * stepMs);
  return { startMs, endMs, stepMs };
}
