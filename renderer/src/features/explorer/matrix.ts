import type { PromMatrix, PromResponse } from '../../../../shared/api/datasources.ts';
import { holdsFloats, holdsHistograms } from '../../../../shared/metrics/native-histograms.ts';
import { parsePromValue } from '../../../../shared/metrics/prom-values.ts';
import type { SeriesData } from '../metrics/series-data.ts';

/** What a chart draws of a range answer, and what it says about the rest. */
export interface ChartedAnswer {
  series: SeriesData[];
  /** Prometheus's warnings, and a partial answer said as such. */
  notes: string[];
  /** Series holding native histograms (left out of the line) among all the answer's series; null without any. */
  histograms: { series: number; total: number } | null;
  /** Series that hold native histograms only: not drawn, but not "no data" either. */
  histogramOnly: number;
}

/** VictoriaMetrics' `isPartial`: charted as it came, a missing series looked like one that had stopped. */
const PARTIAL_NOTE = 'Partial answer: some of the source\'s storage did not answer, so series may be missing or have gaps. Run the query again for a whole answer.';

/**
 * A Prometheus range answer as the chart draws series. Values arrive as strings; NaN and
 * the infinities parse as such and are left out of the line (a chart cannot place them).
 * Native histogram samples are distributions, not points: a series of them only is left
 * out, and counted so that the view can say what to query instead.
 */
export function matrixToSeries(answer: PromResponse<PromMatrix>): ChartedAnswer {
  const series: SeriesData[] = [];
  let withHistograms = 0;
  let histogramOnly = 0;
  for (const one of answer.data.result) {
    if (holdsHistograms(one)) withHistograms++;
    if (!holdsFloats(one) || (one.values?.length === 0 && one.histograms !== undefined)) {
      if (holdsHistograms(one)) histogramOnly++;
      continue;
    }
    const { metric, values } = one;
    const { __name__: name = '', ...labels } = metric;
    const timestamps: number[] = [];
    const points: number[] = [];
    for (const [seconds, text] of values ?? []) {
      const value = parsePromValue(text);
      if (!Number.isFinite(value)) continue;
      timestamps.push(Math.round(seconds * 1000));
      points.push(value);
    }
    series.push({ id: series.length, name, labels, timestamps, values: points });
  }
  const histograms = withHistograms > 0 ? { series: withHistograms, total: answer.data.result.length } : null;
  // Thanos says a partial answer in `warnings` ("partial response: ..."), shown as they come.
  const notes = answer.isPartial === true ? [PARTIAL_NOTE, ...(answer.warnings ?? [])] : (answer.warnings ?? []);
  return { series, notes, histograms, histogramOnly };
}

/** An answer with no point to draw and no histogram to explain: the "no data" state. */
export function hasNothingToShow(data: ChartedAnswer): boolean {
  return data.histogramOnly === 0 && data.series.every((one) => one.timestamps.length === 0);
}
