/**
 * Which series the overview shows as sparklines, and the selector that reads exactly one
 * series. Shared so that the server can answer the overview's first paint in one request
 * (`GET /metrics/overview`) with the same picks the console would make itself.
 */

interface NamedSeries {
  name: string;
  labels: Record<string, string>;
}

const FEATURED = [/cpu/i, /load/i, /mem/i, /request|http/i, /disk|filesystem/i, /net/i];

/** Labels in one order whatever order the server sent them in, for a sort that never shuffles. */
function canonicalLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((key) => `${key}=${labels[key]}`).join(',');
}

/**
 * Series worth a sparkline on the overview: one per usual suspect first (CPU, load,
 * memory, requests, disk, network; a ready-made `_ratio`/`_utilisation` gauge before a raw
 * counter), then the rest. The order depends on names and labels only, so cards keep
 * their places as data arrives.
 */
export function featuredSeries<S extends NamedSeries>(series: readonly S[], limit = 6): S[] {
  const rank = (one: S) => {
    const index = FEATURED.findIndex((pattern) => pattern.test(one.name));
    return index < 0 ? FEATURED.length : index;
  };
  const gauge = (one: S) => (/_(ratio|utili[sz]ation_ratio|percent)$/.test(one.name) ? 0 : /_total$/.test(one.name) ? 2 : 1);
  const ordered = [...series].sort(
    (a, b) => rank(a) - rank(b) || gauge(a) - gauge(b) || a.name.localeCompare(b.name) || canonicalLabels(a.labels).localeCompare(canonicalLabels(b.labels)),
  );
  const firstOfEach = ordered.filter((one, index) => rank(one) < FEATURED.length && ordered.findIndex((other) => rank(other) === rank(one)) === index);
  const rest = ordered.filter((one) => !firstOfEach.includes(one));
  return [...firstOfEach, ...rest].slice(0, limit);
}

/** Builds a PromQL-style selector from a metric name and exact label values. */
export function buildSelector(name: string, labels: Record<string, string>): string {
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const inner = Object.entries(labels)
    .map(([key, value]) => `${key}="${escape(value)}"`)
    .join(',');
  return inner ? `${name}{${inner}}` : name;
}
