/** One spelling per label set (keys sorted), so a series has one identity across servers and capsules. */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) sorted[key] = labels[key]!;
  return JSON.stringify(sorted);
}
