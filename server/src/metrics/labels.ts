/** Label sets and their one canonical spelling (keys sorted), used as the series identity. */
export type Labels = Record<string, string>;

export function canonicalLabels(labels: Readonly<Labels>): string {
  const keys = Object.keys(labels).sort();
  const sorted: Labels = {};
  for (const key of keys) sorted[key] = labels[key]!;
  return JSON.stringify(sorted);
}

export function seriesKey(name: string, labelsJson: string): string {
  return `${name}\u0000${labelsJson}`;
}
