import type { Series } from '../../../../shared/api/metrics.ts';

/** Label names that usually name what a series is about, in order of preference. */
const TARGET_LABELS = ['target', 'host', 'instance', 'service', 'job'];

/** A selector for the series of one anomaly target, e.g. `{host="web-1"}`, or null if none match. */
export function selectorForTarget(series: readonly Series[], target: string): string | null {
  for (const label of TARGET_LABELS) {
    if (series.some((one) => one.labels[label] === target)) return `{${label}="${target.replace(/"/g, '\\"')}"}`;
  }
  return null;
}
