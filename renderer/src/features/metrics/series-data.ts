import type { MetricUnit } from '../../../../shared/metrics/units.ts';

/**
 * A series as the charts draw it: columnar, like the server's range answer, so that
 * appending live samples and downsampling never builds an object per point.
 */
export interface SeriesData {
  id: number;
  name: string;
  labels: Record<string, string>;
  timestamps: number[];
  values: number[];
  /** What the values measure, when the name does not say it (a PromQL result); see shared/metrics/units.ts. */
  unit?: MetricUnit;
}

/** `cpu_usage{host="web-1"}`: how people read a series. */
export function seriesTitle(series: Pick<SeriesData, 'name' | 'labels'>): string {
  const labels = Object.entries(series.labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(', ');
  return labels ? `${series.name}{${labels}}` : series.name;
}
