import { Value } from 'typebox/value';
import { createApiClient, type Transport } from '../../../shared/api/client.ts';
import { IncidentBundleSchema, type IncidentBundle } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import type { Pin } from '../cache/pins.ts';
import type { SourceRange } from '../cache/source-range-cache.ts';
import type { PromMatrix, PromResponse } from '../../../shared/api/datasources.ts';

export interface KeepOfflineOptions {
  /** Metrics kept before the incident (its first alert) started (ms). */
  beforeMs?: number;
  /** Metrics kept after it resolved, or after now while it is open (ms). */
  afterMs?: number;
}

export interface KeepOfflineDeps {
  transport: Transport;
  cache: LocalCache;
  now?: () => number;
}

const HOUR = 3_600_000;
/** The range API's ceiling; an incident window at 10 s is far below it. */
const MAX_POINTS = 20_000;
/** Prometheus's own ceiling of points per series; the proxy picks the step under it. */
const MAX_SOURCE_POINTS = 11_000;

/**
 * "Keep offline": fetches the incident's export bundle, the metrics of its series and the
 * answers of its metrics panel's data-source queries over a window around it, then stores
 * all of it and pins it in one transaction, so the budget never evicts it and a failure
 * half-way (a source down, say) leaves the cache as it was.
 */
export async function keepIncidentOffline(deps: KeepOfflineDeps, incidentId: number, options: KeepOfflineOptions = {}): Promise<Pin> {
  const { cache } = deps;
  const api = createApiClient(deps.transport);
  const now = deps.now ?? Date.now;
  const bundle = await api.incidents.export({ params: { id: incidentId }, query: { format: 'json' } });
  if (!Value.Check(IncidentBundleSchema, bundle)) throw new AppError('E_INTERNAL', 'The server sent an incident bundle this version cannot read.');

  const { fromTs, toTs } = pinWindow(bundle, now(), options);
  const ranges = await Promise.all(
    bundle.metricsWindow.selectors.map((match) => api.metrics.range({ query: { match, from: fromTs, to: toTs, maxPoints: MAX_POINTS } })),
  );
  const sourceAnswers = await Promise.all(
    (bundle.sourceQueries ?? []).map(async ({ datasourceId, query }) => {
      const answer = await api.datasources.queryRange({
        params: { id: datasourceId },
        query: { query, start: String(fromTs / 1000), end: String(toTs / 1000), maxPoints: MAX_SOURCE_POINTS },
      });
      return { datasourceId, query, answer: answer as PromResponse<PromMatrix> };
    }),
  );

  const pinnedAt = now();
  const pin = cache.db.transaction((): Pin => {
    cache.incidents.putBundle(bundle, pinnedAt);
    cache.sources.replaceFor(incidentId, sourceAnswers.map((one): SourceRange => ({ incidentId, ...one, fromTs, toTs, fetchedAt: pinnedAt })));
    const seriesIds = new Set<number>();
    for (const series of ranges.flatMap((range) => range.series)) {
      const [localId] = cache.metrics.upsertSeries([{ serverId: series.id, name: series.name, labels: series.labels }]);
      seriesIds.add(localId!);
      // Rollups are averages, not samples: only raw answers go into the samples table.
      if (series.resolution === 'raw') cache.metrics.insertSamples(series.timestamps.map(() => localId!), series.timestamps, series.values);
    }
    const value: Pin = { incidentId, fromTs, toTs, seriesIds: [...seriesIds], pinnedAt, origin: 'server' };
    cache.pins.put(value);
    return value;
  })();
  return pin;
}

/** Ends "keep offline": the data stays until the budget needs the room. */
export function releaseIncident(cache: LocalCache, incidentId: number): void {
  cache.db.transaction(() => {
    cache.pins.remove(incidentId);
    // Source answers are whole documents outside the samples budget: they go with the pin.
    cache.sources.removeFor(incidentId);
  })();
}

function pinWindow(bundle: IncidentBundle, now: number, options: KeepOfflineOptions): { fromTs: number; toTs: number } {
  const { incident, alerts, metricsWindow } = bundle;
  const start = Math.min(incident.openedAt, ...alerts.map((alert) => alert.startsAt));
  const end = Math.max(incident.resolvedAt ?? now, ...alerts.map((alert) => alert.endsAt ?? now));
  return {
    fromTs: Math.min(metricsWindow.from, start - (options.beforeMs ?? HOUR)),
    toTs: Math.max(metricsWindow.to, end + (options.afterMs ?? HOUR)),
  };
}
