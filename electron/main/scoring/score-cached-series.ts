import type { MetricCache } from '../cache/metric-cache.ts';
import type { ScoreOutput } from '../../../shared/scoring/protocol.ts';
import type { ScoreCallOptions, ScoringClient } from './scoring-client.ts';

export interface ScoreCachedSeriesRequest {
  seriesId: number;
  fromTs: number;
  toTs: number;
  minTrainRows?: number;
  trees?: number;
}

/**
 * Scores one cached series in the worker and writes the scores back into the samples'
 * score column. Main only reads and writes rows; the computation happens off-thread.
 */
export async function scoreCachedSeries(metrics: MetricCache, client: ScoringClient, request: ScoreCachedSeriesRequest, options: ScoreCallOptions = {}): Promise<ScoreOutput> {
  const series = metrics.series(request.seriesId);
  const points = metrics.range(request.seriesId, request.fromTs, request.toTs);
  const output = await client.score(
    {
      metric: series?.name ?? `series ${request.seriesId}`,
      ts: points.ts,
      values: points.values,
      ...(request.minTrainRows !== undefined ? { minTrainRows: request.minTrainRows } : {}),
      ...(request.trees !== undefined ? { trees: request.trees } : {}),
    },
    options,
  );
  metrics.setScores(request.seriesId, points.ts, output.scores);
  return output;
}
