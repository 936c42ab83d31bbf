import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { SpotlightActionGroupData } from '@mantine/spotlight';
import type { SearchResult } from '../../../shared/api/search.ts';
import { useApi } from '../platform/PlatformContext.tsx';
import { useCan } from '../session/permissions.ts';
import { navigate } from '../lib/router.ts';
import { alertTitle } from '../features/alerts/alert-text.ts';
import { openAlert } from '../features/alerts/alert-link.ts';

/** Shorter queries match too much to be worth a round trip ("#2" and "2" are numbers, always sent). */
const MIN_QUERY = 2;

/** Whether a query is sent to the server: two characters or more, or a number. */
export function worthSearching(query: string): boolean {
  const q = query.trim();
  return q.length >= MIN_QUERY || /^#?\d+$/.test(q);
}

/**
 * The server's answer as palette groups. Each entry carries the query as a keyword, so the
 * palette's own filter keeps what the server matched on a label the entry does not show
 * ("api-2" finds an alert titled "HighLatency").
 */
export function paletteGroupsFromSearch(result: SearchResult, query: string): SpotlightActionGroupData[] {
  const keywords = [query.trim()];
  return [
    {
      group: 'Alerts',
      actions: result.alerts.map((alert) => ({
        id: `alert:${alert.id}`,
        label: alertTitle(alert),
        description: `${alert.severity} · ${alert.state}${alert.incidentId !== null ? ` · incident #${alert.incidentId}` : ''} · ${Object.entries(alert.labels).filter(([name]) => name !== 'alertname').map(([name, value]) => `${name}=${value}`).join(' ')}`,
        keywords,
        onClick: () => openAlert(alert.id),
      })),
    },
    {
      group: 'Incidents',
      actions: result.incidents.map((incident) => ({
        id: `incident:${incident.id}`,
        label: `#${incident.id} ${incident.title}`,
        description: `${incident.status} · ${incident.severity} · ${incident.groupKey}`,
        keywords,
        onClick: () => navigate(`/incidents/${incident.id}`),
      })),
    },
  ];
}

/**
 * Alerts and incidents matching the palette's query, searched on the server over everything
 * stored (GET /api/v1/search). Undefined while there is no answer (short query, offline,
 * loading): the palette then shows what the cache holds.
 */
export function usePaletteSearch(query: string): SpotlightActionGroupData[] | undefined {
  const api = useApi();
  const canRead = useCan('incidents:read');
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const enabled = canRead && worthSearching(debounced);
  const search = useQuery({
    queryKey: ['search', debounced],
    queryFn: () => api.search.search({ query: { q: debounced, limit: 10 } }),
    enabled,
    staleTime: 10_000,
    retry: false,
  });
  if (!enabled || !search.data) return undefined;
  return paletteGroupsFromSearch(search.data, debounced);
}
