import type { ApiClient } from '../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../shared/api/incidents.ts';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import type { IpcResult, ReadResult } from '../../../shared/ipc/result.ts';
import { unwrap } from './ipc-result.ts';
import { reportCacheRead, reportServerRead } from './cache-freshness.ts';


async function read<T>(call: Promise<IpcResult<ReadResult<T>>>): Promise<T> {
  const result = await unwrap(call);
  if (result.source === 'cache') reportCacheRead(result.freshAsOf);
  else reportServerRead();
  return result.data;
}

/**
 * Desktop reads that the local cache can answer when the server cannot: main asks the
 * server first and falls back to its cache, saying which answered. Incidents, metric
 * ranges and data-source ranges stay reviewable offline (and from imported capsules); everything else goes to the
 * server as usual.
 */
export function withDesktopCache(api: ApiClient, bridge: SmartCloudOpsBridge): ApiClient {
  return {
    ...api,
    metrics: { ...api.metrics, range: ({ query }) => read(bridge.cache.queryRange({ query })) },
    // Source queries on an incident's metrics panel stay readable offline once it is kept offline.
    datasources: { ...api.datasources, queryRange: ({ params, query }) => read(bridge.cache.sourceRange({ id: params.id, query })) },
    incidents: {
      ...api.incidents,
      list: ({ query = {} } = {}) => read(bridge.cache.incidents({ query })),
      get: ({ params }) => read(bridge.cache.incident({ id: params.id })),
      timeline: ({ params }) => read(bridge.cache.timeline({ id: params.id })),
      export: (input) => ((input.query?.format ?? 'json') === 'json' ? read<IncidentBundle>(bridge.cache.incidentBundle({ id: input.params.id })) : api.incidents.export(input)),
    },
  };
}
