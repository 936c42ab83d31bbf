import fs from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { encodeCapsule } from './capsule-format.ts';
import type { CapsulePayload } from './capsule-schema.ts';

/**
 * Writes one kept-offline incident (bundle, pinned window of its series with scores) to
 * a capsule file. Written beside the target and renamed, so a crash never leaves a
 * half-written capsule under the chosen name.
 */
export function exportCapsule(cache: LocalCache, incidentId: number, file: string, now: () => number = Date.now): CapsulePayload {
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
  };
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
