import type { LocalCache } from '../cache/local-cache.ts';
import { METRICS_COLLECTION } from '../sync/metrics-pull.ts';
import { STREAM_COLLECTION } from '../sync/sync-engine.ts';

/** The cursor row that remembers which address a profile's cache mirrors (no cursor of a sync). */
export const SERVER_ADDRESS_COLLECTION = 'server-address';

/**
 * Whether the cache mirrors another address than the profile's now, and if so makes it start
 * over. A profile whose address is edited to another server keeps its id, hence its cache
 * file: its credentials go (connections.update) but the old server's incidents, alerts and
 * ids stayed and answered offline under the new server's name, until a sync happened to see
 * the other server (a cursor ahead of it, other series under its ids), which it cannot when
 * the new server is unreachable or larger. An address is the only thing the app knows the
 * server by, so another address counts as another server, as for the credentials: `retire`
 * (retireReplacedServer: kept incidents become capsules, the rest goes) runs, then the old
 * server's series ids and both cursors go and the new address is remembered. The same server
 * at a new address costs a sync from the beginning. A cache written before this remembers no
 * address and is taken as the profile's.
 */
export function followServerAddress(cache: LocalCache, address: string, retire: () => number[]): number[] | null {
  const mirrored = cache.cursors.get(SERVER_ADDRESS_COLLECTION).cursor;
  if (mirrored === address) return null;
  const moved = mirrored === null ? null : retire();
  cache.db.transaction(() => {
    if (moved !== null) {
      cache.metrics.forgetServerIds();
      cache.cursors.clear(METRICS_COLLECTION);
      cache.cursors.clear(STREAM_COLLECTION);
    }
    cache.cursors.setCursor(SERVER_ADDRESS_COLLECTION, address);
  })();
  return moved;
}
