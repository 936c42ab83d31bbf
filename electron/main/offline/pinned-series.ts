import { AppError } from '../../../shared/errors.ts';
import type { PinnedSeries } from '../../../shared/ipc/channels/cache.ts';
import type { LocalCache } from '../cache/local-cache.ts';

/**
 * What offline review and time-travel replay draw: every series pinned with the incident,
 * over the pinned window, with the anomaly scores the scoring worker wrote beside the
 * samples (null where it has not scored yet). Read from the cache only, so it works with
 * the server gone and for opened capsules.
 */
export function readPinnedSeries(cache: LocalCache, incidentId: number): PinnedSeries {
  const pin = cache.pins.get(incidentId);
  if (!pin) throw new AppError('E_NOT_FOUND', `Incident ${incidentId} is not kept offline; keep it offline to review and replay it without the server.`);
  return {
    incidentId,
    fromTs: pin.fromTs,
    toTs: pin.toTs,
    series: pin.seriesIds.flatMap((seriesId) => {
      const series = cache.metrics.series(seriesId);
      if (!series) return [];
      const points = cache.metrics.range(seriesId, pin.fromTs, pin.toTs);
      return [{ seriesId, name: series.name, labels: series.labels, ts: points.ts, values: points.values, scores: points.scores }];
    }),
  };
}
