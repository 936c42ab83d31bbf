/** Label sets and their one canonical spelling (keys sorted), used as the series identity. */
export type Labels = Record<string, string>;

export function canonicalLabels(labels: Readonly<Labels>): string {
  // Built with fromEntries, which defines each key: an assignment of a label named
  // `__proto__` (a valid name) would set the object's prototype instead and drop the
  // label from the identity, merging two series.
  return JSON.stringify(Object.fromEntries(Object.keys(labels).sort().map((key) => [key, labels[key]!])));
}

export function seriesKey(name: string, labelsJson: string): string {
  return `${name}\u0000${labelsJson}`;
}
