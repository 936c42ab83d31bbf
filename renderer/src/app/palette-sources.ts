import type { QueryClient } from '@tanstack/react-query';
import type { SpotlightActionGroupData } from '@mantine/spotlight';
import type { SeriesListResponse } from '../../../shared/api/metrics.ts';
import type { AlertPage } from '../../../shared/api/alerts.ts';
import type { IncidentPage } from '../../../shared/api/incidents.ts';
import { navigate } from '../lib/router.ts';
import { seriesTitle } from '../features/metrics/series-data.ts';
import { alertTitle } from '../features/alerts/alert-text.ts';
import { openAlert } from '../features/alerts/alert-link.ts';

const HOST_LABELS = ['host', 'target', 'instance'];

function seriesList(queryClient: QueryClient): SeriesListResponse['series'] {
  return queryClient.getQueryData<SeriesListResponse>(['metrics', 'series'])?.series ?? [];
}

function cached<T extends { items: unknown[] }>(queryClient: QueryClient, feature: string): T['items'] {
  const seen = new Map<number, T['items'][number]>();
  for (const [, data] of queryClient.getQueriesData<T>({ queryKey: [feature, 'list'] })) {
    for (const item of data?.items ?? []) seen.set((item as { id: number }).id, item);
  }
  return [...seen.values()];
}

function hosts(queryClient: QueryClient): SpotlightActionGroupData {
  const names = new Set<string>();
  for (const series of seriesList(queryClient)) for (const key of HOST_LABELS) if (series.labels[key]) names.add(`${key}=${series.labels[key]}`);
  return {
    group: 'Hosts',
    actions: [...names].sort().map((pair) => ({ id: `host:${pair}`, label: pair.split('=')[1] as string, description: `Series with ${pair}`, onClick: () => navigate(`/metrics?labels=${encodeURIComponent(pair)}`) })),
  };
}

function series(queryClient: QueryClient): SpotlightActionGroupData {
  return {
    group: 'Series',
    actions: seriesList(queryClient).map((one) => ({
      id: `series:${one.id}`,
      label: seriesTitle(one),
      onClick: () => navigate(`/metrics?${new URLSearchParams({ name: one.name, labels: Object.entries(one.labels).map(([k, v]) => `${k}=${v}`).join('|') }).toString()}`),
    })),
  };
}

function alerts(queryClient: QueryClient): SpotlightActionGroupData {
  return {
    group: 'Alerts',
    actions: cached<AlertPage>(queryClient, 'alerts').map((alert) => ({ id: `alert:${alert.id}`, label: alertTitle(alert), description: `${alert.severity} · ${alert.state}`, onClick: () => openAlert(alert.id) })),
  };
}

function incidents(queryClient: QueryClient): SpotlightActionGroupData {
  return {
    group: 'Incidents',
    actions: cached<IncidentPage>(queryClient, 'incidents').map((incident) => ({ id: `incident:${incident.id}`, label: `#${incident.id} ${incident.title}`, description: incident.status, onClick: () => navigate(`/incidents/${incident.id}`) })),
  };
}

/** Each source turns some cached data into palette entries. */
export const PALETTE_SOURCES: ReadonlyArray<(queryClient: QueryClient) => SpotlightActionGroupData> = [hosts, series, alerts, incidents];
