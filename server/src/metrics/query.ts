import type { Labels } from '../../../shared/api/alerts.ts';
import type { Columns } from './chunk-table.ts';

/** One series and its samples in a window, as rules read them. */
export interface SeriesSamples {
  name: string;
  labels: Labels;
  /** `[unix ms, value]`, oldest first. */
  samples: ReadonlyArray<readonly [number, number]>;
}

/** What the rule evaluator needs from a metrics store; nothing more. */
export interface MetricsQuery {
  /** `maxSeries`: the first that many series the selector matches, the others not read at all. */
  query(selector: string, from: number, to: number, maxSeries?: number): Promise<SeriesSamples[]>;
}

/** The part of the metrics service a rule reads: series by selector and their raw samples. */
export interface MetricsReader {
  findSeries(selector: string): Promise<Array<{ id: number; name: string; labels: Labels }>>;
  storage: { readColumns(seriesId: number, from: number, to: number): Promise<Columns> };
}

export function metricsQueryOf(metrics: MetricsReader): MetricsQuery {
  return {
    async query(selector, from, to, maxSeries) {
      const found = await metrics.findSeries(selector);
      return Promise.all(
        found.slice(0, maxSeries).map(async (series) => {
          const c = await metrics.storage.readColumns(series.id, from, to + 1);
          const samples = new Array<[number, number]>(c.length);
          for (let i = 0; i < c.length; i++) samples[i] = [c.ts[i]!, c.values[i]!];
          return { name: series.name, labels: series.labels, samples };
        }),
      );
    },
  };
}
