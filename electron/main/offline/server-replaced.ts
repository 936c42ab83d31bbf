import { AppError } from '../../../shared/errors.ts';
import { capsulePayloadOf } from '../capsule/capsule-export.ts';
import { importCapsulePayload } from '../capsule/capsule-import.ts';
import type { LocalCache } from '../cache/local-cache.ts';

/**
 * The server at a profile's address is not the one its cache mirrored (its data folder was
 * wiped or replaced, or the address now leads to another server: the sync found our cursor
 * ahead of it, or other series under our ids). Its incident ids now mean other incidents, so
 * the old server's documents must not answer for them offline nor be merged with the new
 * ones. Kept-offline incidents are what the user asked to keep: each moves to the capsules
 * cache (where imported capsules live, never mixed with a server's ids) before anything is
 * dropped, so a crash in between keeps both copies rather than neither. Then the mirrored
 * incidents, alerts, timelines, bundles, source answers and pins go, in one transaction.
 * Series and samples stay: they are true history, and the sync maps them anew by name and
 * labels. Returns the incidents moved.
 */
export function retireReplacedServer(cache: LocalCache, capsules: () => LocalCache, now: () => number = Date.now): number[] {
  const pins = cache.pins.list();
  const moved: number[] = [];
  if (pins.length > 0) {
    const target = capsules();
    for (const pin of pins) {
      let payload;
      try {
        payload = capsulePayloadOf(cache, pin.incidentId, now);
      } catch (error) {
        // A pin whose bundle is missing (never fully kept) has nothing to review: it just goes.
        if (error instanceof AppError && error.code === 'E_NOT_FOUND') continue;
        throw error;
      }
      importCapsulePayload(target, payload);
      moved.push(pin.incidentId);
    }
  }
  cache.db.transaction(() => {
    cache.pins.clear();
    cache.sources.clear();
    cache.incidents.clear();
  })();
  return moved;
}
