/**
 * One spelling per label set (keys sorted), so a series has one identity across servers and
 * capsules. Built on an object without a prototype: on a plain one, a label named
 * `__proto__` (a valid label name) would be dropped by the assignment, and two series
 * would share one identity.
 */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  const sorted = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return JSON.stringify(sorted);
}
