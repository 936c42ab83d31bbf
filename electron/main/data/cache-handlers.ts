import { AppError } from '../../../shared/errors.ts';
import type { cacheChannels, cacheEvents } from '../../../shared/ipc/channels/cache.ts';
import type { PayloadOf, RequestOf, ResponseOf } from '../../../shared/ipc/define.ts';
import type { ScoringClientOptions } from '../scoring/scoring-client.ts';
import type { DesktopData } from './desktop-data.ts';

type CacheChannels = typeof cacheChannels;
type CacheEvents = typeof cacheEvents;

/** The same shape as main's IpcHandlers, for the cache channels (spread into the registered set). */
export type CacheHandlers = {
  [Name in keyof CacheChannels]: (request: RequestOf<CacheChannels[Name]>, context: { senderId: number }) => Promise<ResponseOf<CacheChannels[Name]>> | ResponseOf<CacheChannels[Name]>;
};

export interface CacheHandlerDependencies {
  /** The selected profile's data; throws E_UNAVAILABLE (or similar) when none is selected. */
  data: () => DesktopData;
  /** Electron's save dialog, in main; null when cancelled. */
  chooseCapsuleSavePath: (defaultName: string) => Promise<string | null>;
  /** Electron's open dialog, in main; null when cancelled. */
  chooseCapsuleToOpen: () => Promise<string | null>;
}

export function createCacheHandlers({ data, chooseCapsuleSavePath, chooseCapsuleToOpen }: CacheHandlerDependencies): CacheHandlers {
  const readsOf = (origin: 'profile' | 'capsules' | undefined) => (origin === 'capsules' ? data().capsuleReads : data().reads);
  return {
    'cache.status': () => data().status(),
    'cache.syncNow': () => data().engine.syncNow(),
    'cache.queryRange': ({ query, origin }) => readsOf(origin).queryRange(query),
    'cache.series': ({ match, origin }) => readsOf(origin).series(match),
    'cache.alerts': ({ query, origin }) => readsOf(origin).alerts(query),
    'cache.incidents': ({ query, origin }) => readsOf(origin).incidents(query),
    'cache.incident': ({ id, origin }) => readsOf(origin).incident(id),
    'cache.timeline': ({ id, origin }) => readsOf(origin).timeline(id),
    'cache.incidentBundle': ({ id, origin }) => readsOf(origin).incidentBundle(id),
    'cache.sourceRange': ({ id, query, origin }) => readsOf(origin).sourceRange(id, query),
    'cache.keepOffline': ({ incidentId, beforeMs, afterMs }) =>
      data().keepOffline(incidentId, { ...(beforeMs !== undefined ? { beforeMs } : {}), ...(afterMs !== undefined ? { afterMs } : {}) }),
    'cache.release': ({ incidentId }) => {
      data().release(incidentId);
      return null;
    },
    'cache.exportCapsule': async ({ incidentId }) => {
      // Fail before the dialog: asking where to save something that cannot be exported is rude.
      if (!data().cache.pins.get(incidentId)) throw new AppError('E_NOT_FOUND', `Incident ${incidentId} is not kept offline; keep it offline first, then export it.`);
      const file = await chooseCapsuleSavePath(`incident-${incidentId}.scocapsule`);
      if (!file) return null;
      data().exportCapsule(incidentId, file);
      return { path: file };
    },
    'cache.importCapsule': async () => {
      const file = await chooseCapsuleToOpen();
      return file ? data().importCapsule(file) : null;
    },
    'cache.pinnedSeries': ({ incidentId, origin }) => data().pinnedSeries(incidentId, origin),
    'cache.scoreSeries': async ({ seriesId, fromTs, toTs }) => {
      const output = await data().scoreSeries({ seriesId, fromTs, toTs });
      return { anomalies: output.anomalies };
    },
  };
}

/**
 * Relays the engine's progress and status to the windows; returns the unsubscribe. Call
 * again for each profile's DesktopData.
 */
export function relayCacheEvents(data: DesktopData, emit: <Name extends keyof CacheEvents>(name: Name, payload: PayloadOf<CacheEvents[Name]>) => void): () => void {
  const offProgress = data.engine.onProgress((progress) => emit('cache.syncProgress', progress));
  const offStatus = data.engine.onStatus((status) => emit('cache.statusChanged', status));
  return () => {
    offProgress();
    offStatus();
  };
}

/** For ScoringClient's onWorkerFailed: tells the windows the worker died and will be restarted. */
export function reportWorkerFailures(emit: (name: 'cache.scoringWorkerFailed', payload: PayloadOf<CacheEvents['cache.scoringWorkerFailed']>) => void): NonNullable<ScoringClientOptions['onWorkerFailed']> {
  return (failure) => emit('cache.scoringWorkerFailed', failure);
}
