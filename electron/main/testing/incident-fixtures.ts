import { createApiClient, type Transport } from '../../../shared/api/client.ts';
import type { Alert } from '../../../shared/api/alerts.ts';
import type { IngestRequest } from '../../../shared/api/metrics.ts';
import { fetchTransport } from './fetch-transport.ts';

const STEP = 10_000;

/** `hours` of 10 s samples up to `end` for each host and metric, aligned to the step. */
export function recentSamples(end: number, hours: number, hosts: string[], metrics: string[]): IngestRequest {
  const last = Math.floor(end / STEP) * STEP;
  const count = (hours * 3_600_000) / STEP;
  return {
    series: hosts.flatMap((host, h) =>
      metrics.map((name, m) => ({
        name,
        labels: { host },
        samples: Array.from({ length: count }, (_, i): [number, number] => [last - (count - 1 - i) * STEP, 10 * h + m + Math.sin(i / 30)]),
      })),
    ),
  };
}

/**
 * Raises an alert through the Alertmanager receiver (with an API key, as Alertmanager
 * would) and returns the incident it opened. Its labels name the metric and host, so the
 * incident's bundle points at `metric{host="..."}`.
 */
export async function raiseIncident(baseUrl: string, admin: Transport, labels: { metric: string; host: string }, startsAt: number): Promise<{ incidentId: number; alert: Alert }> {
  const api = createApiClient(admin);
  const created = await api.apiKeys.create({ body: { name: `alertmanager-${startsAt}`, role: 'admin' } });
  const alertmanager = createApiClient(fetchTransport(baseUrl, () => created.secret));
  const result = await alertmanager.alertmanager.receive({
    body: {
      receiver: 'smartcloudops',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'HighCpu', severity: 'critical', ...labels }, annotations: { summary: `cpu high on ${labels.host}` }, startsAt: new Date(startsAt).toISOString() }],
    },
  });
  const alert = await api.alerts.get({ params: { id: result.alertIds[0]! } });
  if (alert.incidentId === null) throw new Error('the alert opened no incident');
  return { incidentId: alert.incidentId, alert };
}
