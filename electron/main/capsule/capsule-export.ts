import fs from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { encodeCapsule } from './capsule-format.ts';
import type { CapsulePayload } from './capsule-schema.ts';

/**
 * Writes one kept-offline incident (bundle, pinned window of its series with scores, the
 * answers of its data-source queries) to a capsule file. Written beside the target and renamed, so a crash never leaves a
 * half-written capsule under the chosen name.
 */
export function exportCapsule(cache: LocalCache, incidentId: number, file: string, now: () => number = Date.now): CapsulePayload {
  const payload = capsulePayloadOf(cache, incidentId, now);
  const temporary = `${file}.${process.pid}.partial`;
  try {
    fs.writeFileSync(temporary, encodeCapsule(payload));
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return payload;
}

/** What a capsule of the kept-offline incident holds (E_NOT_FOUND when it is not kept offline). */
export function capsulePayloadOf(cache: LocalCache, incidentId: number, now: () => number = Date.now): CapsulePayload {
  const pin = cache.pins.get(incidentId);
  const bundle = cache.incidents.bundle(incidentId);
  if (!pin || !bundle) throw new AppError('E_NOT_FOUND', `Incident ${incidentId} is not kept offline; keep it offline first, then export it.`);
  const payload: CapsulePayload = {
    kind: 'smartcloudops.incident-capsule',
    createdAt: now(),
    bundle: bundle.value,
    window: { fromTs: pin.fromTs, toTs: pin.toTs },
    series: pin.seriesIds.flatMap((seriesId) => {
      const series = cache.metrics.series(seriesId);
      if (!series) return [];
      const points = cache.metrics.range(seriesId, pin.fromTs, pin.toTs);
      return [{ name: series.name, labels: series.labels, ts: points.ts, values: points.values, scores: points.scores }];
    }),
    // What "keep offline" fetched through the sources' proxy, so the panel's PromQL charts open offline too.
    // Only successful answers are ever kept (the proxy turns Prometheus's errors into ours).
    sourceRanges: cache.sources
      .of(incidentId)
      .filter(({ answer }) => answer.status === 'success')
      .map(({ datasourceId, query, fromTs, toTs, fetchedAt, answer }) => ({ datasourceId, query, fromTs, toTs, fetchedAt, answer: { ...answer, status: 'success' as const } })),
  };
  return payload;
}
