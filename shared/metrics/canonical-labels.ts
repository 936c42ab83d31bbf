/**
 * One spelling per label set (keys sorted): a series' identity with its name, the same on
 * the server's store, the desktop cache and capsules. Built with fromEntries, which defines
 * each key: an assignment of a label named `__proto__` (a valid name) would set the
 * object's prototype instead and drop the label, so two series would share one identity.
 */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(labels).sort().map((key) => [key, labels[key]!])));
}
