/** Label sets and their one canonical spelling (keys sorted), used as the series identity. */
export type Labels = Record<string, string>;

export { canonicalLabels } from '../../../shared/metrics/canonical-labels.ts';

export function seriesKey(name: string, labelsJson: string): string {
  return `${name}\u0000${labelsJson}`;
}
