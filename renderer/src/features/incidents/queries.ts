import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../../shared/api/client.ts';
import type { IncidentBundle, IncidentListQuery } from '../../../../shared/api/incidents.ts';

/** Incidents asked for at first and added by each "Show more". */
export const INCIDENT_PAGE = 200;

export const incidentQueries = {
  list: (api: ApiClient, query: IncidentListQuery) => queryOptions({ queryKey: ['incidents', 'list', query], queryFn: () => api.incidents.list({ query }) }),
  /**
   * The list a page of `INCIDENT_PAGE` at a time, by offset (the incidents list's "Show more"):
   * one answer holds at most 500, and a busy server has more open than that.
   */
  pages: (api: ApiClient, query: Omit<IncidentListQuery, 'limit' | 'offset'>) =>
    infiniteQueryOptions({
      queryKey: ['incidents', 'pages', query],
      queryFn: ({ pageParam }) => api.incidents.list({ query: { ...query, limit: INCIDENT_PAGE, offset: pageParam } }),
      initialPageParam: 0,
      getNextPageParam: (page) => (page.items.length > 0 && page.offset + page.items.length < page.total ? page.offset + page.items.length : undefined),
    }),
  detail: (api: ApiClient, id: number) => queryOptions({ queryKey: ['incidents', 'detail', id], queryFn: () => api.incidents.get({ params: { id } }) }),
  timeline: (api: ApiClient, id: number) => queryOptions({ queryKey: ['incidents', 'timeline', id], queryFn: () => api.incidents.timeline({ params: { id } }) }),
  /** The export bundle says which metrics belong to the incident (window and selectors). */
  bundle: (api: ApiClient, id: number) =>
    queryOptions({ queryKey: ['incidents', 'bundle', id], queryFn: () => api.incidents.export({ params: { id }, query: { format: 'json' } }) as Promise<IncidentBundle>, staleTime: 60_000 }),
};
