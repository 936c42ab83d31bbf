import type { Labels } from '../../../shared/api/alerts.ts';

/** Labels that describe an alert, not a series; left out of the metrics selector. */
const NON_SERIES_LABELS = new Set(['alertname', 'severity', 'source', 'rule']);

/**
 * A Prometheus-style selector for the series behind an alert, e.g.
 * `node_cpu_seconds_total{instance="web-1"}` when the alert names its metric, else
 * `{target="web-1"}`, so the console can fetch the metrics around an incident.
 */
export function selectorOf(labels: Labels): string {
  const metric = labels.__name__ ?? labels.metric ?? '';
  const matchers = Object.entries(labels)
    .filter(([name]) => !NON_SERIES_LABELS.has(name) && name !== '__name__' && name !== 'metric')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  return `${metric}{${matchers.join(',')}}`;
}
