import type { Labels } from '../../../shared/api/alerts.ts';

/** One series and its samples in a window, as rules read them. */
export interface SeriesSamples {
  name: string;
  labels: Labels;
  /** `[unix ms, value]`, oldest first. */
  samples: ReadonlyArray<readonly [number, number]>;
}

/** What the rule evaluator needs from a metrics store; nothing more. */
export interface MetricsQuery {
  query(selector: string, from: number, to: number): SeriesSamples[];
}

/** The part of the metrics service a rule reads: series by selector and their raw samples. */
export interface MetricsReader {
  findSeries(selector: string): Array<{ id: number; name: string; labels: Labels }>;
  store: { readRaw(seriesId: number, from: number, to: number): Array<[number, number]> };
}

export function metricsQueryOf(metrics: MetricsReader): MetricsQuery {
  return {
    query(selector, from, to) {
      return metrics.findSeries(selector).map((series) => ({
        name: series.name,
        labels: series.labels,
        samples: metrics.store.readRaw(series.id, from, to + 1),
      }));
    },
  };
}
