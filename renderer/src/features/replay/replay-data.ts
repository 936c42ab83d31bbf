import type { ApiClient } from '../../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../../shared/api/incidents.ts';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { PinnedSeries } from '../../../../shared/ipc/channels/cache.ts';
import type { ReplayInput, ReplaySeries } from '../../../../shared/replay/replay-state.ts';
import { AppError } from '../../../../shared/errors.ts';
import { unwrap } from '../../platform/ipc-result.ts';

/** Series drawn at most, as on the incident page. */
export const MAX_REPLAY_SERIES = 6;
/** Points per series when the server reduces them (browser): plenty for a scrubber's resolution. */
const MAX_POINTS = 1_500;

export interface LoadedReplay {
  input: ReplayInput;
  /** `pinned`: the desktop's offline copy with local anomaly scores; `server`: fetched now, no scores. */
  origin: 'pinned' | 'server';
}

function selectorOf(name: string, labels: Record<string, string>): string {
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`)
    .join(',');
  return `${name}{${inner}}`;
}

export function seriesFromPinned(pinned: PinnedSeries): ReplaySeries[] {
  return pinned.series.slice(0, MAX_REPLAY_SERIES).map((series) => ({ key: selectorOf(series.name, series.labels), name: series.name, labels: series.labels, ts: series.ts, values: series.values, scores: series.scores }));
}

/**
 * Desktop: the pinned copy from the local cache (works offline, carries the scores computed
 * on this machine). Browser, or an incident not kept offline: the bundle and the metrics
 * around it from the server (the query cache keeps them while the page is open).
 */
export async function loadReplay(api: ApiClient, bridge: SmartCloudOpsBridge | null, incidentId: number): Promise<LoadedReplay> {
  const bundle = (await api.incidents.export({ params: { id: incidentId }, query: { format: 'json' } })) as IncidentBundle;
  if (bridge) {
    try {
      const pinned = await unwrap(bridge.cache.pinnedSeries({ incidentId }));
      return { input: { bundle, series: seriesFromPinned(pinned) }, origin: 'pinned' };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'E_NOT_FOUND') throw error;
    }
  }
  const { from, to, selectors } = bundle.metricsWindow;
  const answers = await Promise.all(selectors.slice(0, MAX_REPLAY_SERIES).map((match) => api.metrics.range({ query: { match, from, to, maxPoints: MAX_POINTS } })));
  const series = answers
    .flatMap((answer) => answer.series)
    .slice(0, MAX_REPLAY_SERIES)
    .map((s): ReplaySeries => ({ key: selectorOf(s.name, s.labels), name: s.name, labels: s.labels, ts: s.timestamps, values: s.values, scores: s.timestamps.map(() => null) }));
  return { input: { bundle, series }, origin: 'server' };
}
