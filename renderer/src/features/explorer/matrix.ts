import type { PromMatrix, PromResponse } from '../../../../shared/api/datasources.ts';
import { parsePromValue } from '../../../../shared/metrics/prom-values.ts';
import type { SeriesData } from '../metrics/series-data.ts';

/**
 * A Prometheus range answer as the chart draws series. Values arrive as strings; NaN and
 * the infinities parse as such and are left out of the line (a chart cannot place them).
 */
export function matrixToSeries(answer: PromResponse<PromMatrix>): SeriesData[] {
  return answer.data.result.map(({ metric, values }, index) => {
    const { __name__: name = '', ...labels } = metric;
    const timestamps: number[] = [];
    const points: number[] = [];
    for (const [seconds, text] of values) {
      const value = parsePromValue(text);
      if (!Number.isFinite(value)) continue;
      timestamps.push(Math.round(seconds * 1000));
      points.push(value);
    }
    return { id: index, name, labels, timestamps, values: points };
  });
}
