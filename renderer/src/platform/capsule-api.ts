import type { ApiClient } from '../../../shared/api/client.ts';
import type { IncidentBundle } from '../../../shared/api/incidents.ts';
import { AppError } from '../../../shared/errors.ts';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import type { IpcResult, ReadResult } from '../../../shared/ipc/result.ts';
import { unwrap } from './ipc-result.ts';

/** A capsule's answers, without the freshness report: reading a capsule says nothing about the server. */
async function data<T>(call: Promise<IpcResult<ReadResult<T>>>): Promise<T> {
  return (await unwrap(call)).data;
}

const ORIGIN = 'capsules' as const;

/** Every call a capsule cannot answer: an imported incident's ids are not the server's, so nothing may reach it. */
function noServer(group: string, name: string): () => Promise<never> {
  return () => Promise.reject(new AppError('E_NETWORK', `An imported capsule is read without a server (${group}.${name} is not in it).`));
}

/**
 * The API client the views of an imported capsule use: the reads a capsule holds (the
 * incident, its alerts and timeline, its bundle, the metrics in its window and its
 * data-source answers) come from the capsules cache in main (`origin: 'capsules'`), never
 * from the server; every other call fails with E_NETWORK instead of asking the server
 * about an id that means another incident there.
 */
export function capsuleApi(bridge: SmartCloudOpsBridge): ApiClient {
  const reads = {
    incidents: {
      list: ({ query = {} } = {}) => data(bridge.cache.incidents({ query, origin: ORIGIN })),
      get: ({ params }) => data(bridge.cache.incident({ id: params.id, origin: ORIGIN })),
      timeline: ({ params }) => data(bridge.cache.timeline({ id: params.id, origin: ORIGIN })),
      export: (input) =>
        (input.query?.format ?? 'json') === 'json'
          ? data<IncidentBundle>(bridge.cache.incidentBundle({ id: input.params.id, origin: ORIGIN }))
          : Promise.reject(new AppError('E_NETWORK', 'Only the JSON bundle of an imported capsule can be exported offline.')),
    },
    metrics: { range: ({ query }) => data(bridge.cache.queryRange({ query, origin: ORIGIN })) },
    alerts: { list: ({ query } = {}) => data(bridge.cache.alerts({ query: query ?? {}, origin: ORIGIN })) },
    datasources: { queryRange: ({ params, query }) => data(bridge.cache.sourceRange({ id: params.id, query, origin: ORIGIN })) },
  } satisfies { [Group in keyof ApiClient]?: Partial<ApiClient[Group]> };

  const groups = reads as unknown as Record<string, Record<string, unknown>>;
  return new Proxy({} as ApiClient, {
    get: (_target, group) => {
      if (typeof group !== 'string') return undefined;
      const known = groups[group] ?? {};
      return new Proxy(known, { get: (methods, name) => (typeof name === 'string' ? (methods[name] ?? noServer(group, name)) : undefined) });
    },
  });
}
