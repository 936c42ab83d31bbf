import fs from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import type { Pin } from '../cache/pins.ts';
import { decodeCapsule } from './capsule-format.ts';
import type { CapsulePayload } from './capsule-schema.ts';

/** A capsule larger than this is refused before it is read into memory. */
const MAX_FILE_BYTES = 1_073_741_872;

export interface ImportedCapsule {
  incidentId: number;
  title: string;
  /** When the capsule was made: the data is as fresh as that. */
  createdAt: number;
  series: number;
  samples: number;
  /** Data-source query answers it carried (0 for a format-1 capsule, made before they were). */
  sourceRanges: number;
}

/**
 * Opens a capsule into a cache: validates the whole file first, then writes the bundle,
 * the series and samples, the data-source answers and a pin, in one transaction. A damaged or foreign file
 * throws E_CAPSULE_INVALID and leaves the cache exactly as it was. The app opens capsules
 * into their own cache file, so a capsule's incident ids never meet a profile's own.
 */
export function importCapsule(cache: LocalCache, file: string): ImportedCapsule {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new AppError('E_NOT_FOUND', 'The capsule file cannot be opened.');
  }
  if (size > MAX_FILE_BYTES) throw new AppError('E_CAPSULE_INVALID', 'This file is too large to be an incident capsule.', { problem: 'foreign' });
  return importCapsulePayload(cache, decodeCapsule(fs.readFileSync(file)));
}

/** Writes a checked capsule's contents into a cache in one transaction (opening it again replaces, never duplicates). */
export function importCapsulePayload(cache: LocalCache, payload: CapsulePayload): ImportedCapsule {
  const { bundle } = payload;

  let samples = 0;
  cache.db.transaction(() => {
    cache.incidents.putBundle(bundle, payload.createdAt);
    const seriesIds: number[] = [];
    for (const series of payload.series) {
      const [localId] = cache.metrics.upsertSeries([{ serverId: null, name: series.name, labels: series.labels }]);
      cache.metrics.insertScoredSamples(localId!, series.ts, series.values, series.scores);
      seriesIds.push(localId!);
      samples += series.ts.length;
    }
    // Read back by OfflineReads.sourceRange like a profile's kept answers; replaced, so a
    // capsule opened again (or an older one of the same incident) leaves no stale answer.
    cache.sources.replaceFor(bundle.incident.id, payload.sourceRanges.map((range) => ({ incidentId: bundle.incident.id, ...range })));
    const pin: Pin = { incidentId: bundle.incident.id, fromTs: payload.window.fromTs, toTs: payload.window.toTs, seriesIds, pinnedAt: payload.createdAt, origin: 'capsule' };
    cache.pins.put(pin);
  })();
  return { incidentId: bundle.incident.id, title: bundle.incident.title, createdAt: payload.createdAt, series: payload.series.length, samples, sourceRanges: payload.sourceRanges.length };
}
