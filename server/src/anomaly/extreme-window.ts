import type { ExtremeWindowFinding } from '../../../shared/api/anomaly.ts';
import type { TargetWindow } from './target-window.ts';

/**
 * Metrics whose saturation is known from their name: utilisation ratios (1 = 100 %) and
 * load per core. Other metrics have no absolute "too much" and are never flagged here.
 */
const SATURATION: ReadonlyArray<{ pattern: RegExp; limit: number; describe: (limit: number) => string }> = [
  { pattern: /_utilisation_ratio$|_usage_ratio$|_utilization_ratio$/, limit: 0.95, describe: (limit) => `at or above ${Math.round(limit * 100)}%` },
  { pattern: /^node_load\d+_per_core$/, limit: 2, describe: (limit) => `at or above ${limit} per core` },
];

/** A window is extreme for a metric when it was saturated for this share of the samples or more. */
export const EXTREME_SHARE = 0.9;

/**
 * The metrics that were saturated for (nearly) the whole training window. A model fitted on
 * such a window learns the saturation as normal and stays quiet while it lasts, so the
 * model records these findings and the API and console say so instead of "nothing unusual".
 */
export function extremeWindowOf(window: Pick<TargetWindow, 'metrics' | 'valuesOf'>): ExtremeWindowFinding[] {
  const findings: ExtremeWindowFinding[] = [];
  for (const metric of window.metrics()) {
    const name = metric.includes('{') ? metric.slice(0, metric.indexOf('{')) : metric;
    const rule = SATURATION.find((one) => one.pattern.test(name));
    if (!rule) continue;
    const values = window.valuesOf(metric).filter((value) => Number.isFinite(value));
    if (values.length === 0) continue;
    const saturated = values.filter((value) => value >= rule.limit).length / values.length;
    if (saturated >= EXTREME_SHARE) {
      findings.push({ metric, limit: rule.limit, share: saturated, text: `${metric} ${rule.describe(rule.limit)} for ${Math.round(saturated * 100)}% of the window` });
    }
  }
  return findings;
}
