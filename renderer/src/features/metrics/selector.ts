import { buildSelector } from '../../../../shared/metrics/featured-series.ts';

export { buildSelector };

/** `host=web-1` chips back to a record (the last value of a repeated key wins). */
export function labelsFromPairs(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/**
 * One selector for several metrics drawn in one chart (CPU and memory of a host): the
 * names as an anchored alternation on `__name__`, the same labels for all.
 */
export function buildOverlaySelector(names: readonly string[], labels: Record<string, string>): string {
  const unique = [...new Set(names.filter(Boolean))];
  if (unique.length <= 1) return buildSelector(unique[0] ?? '', labels);
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  // Metric names are [a-zA-Z0-9_:], nothing a regular expression would read specially.
  const inner = [`__name__=~"${unique.join('|')}"`, ...Object.entries(labels).map(([key, value]) => `${key}="${escape(value)}"`)].join(',');
  return `{${inner}}`;
}
