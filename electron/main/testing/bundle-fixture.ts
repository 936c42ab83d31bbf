import type { Alert } from '../../../shared/api/alerts.ts';
import { INCIDENT_BUNDLE_VERSION, type IncidentBundle } from '../../../shared/api/incidents.ts';

/** A complete, schema-valid incident bundle with one alert and one timeline entry. */
export function bundleFixture(incidentId: number, openedAt: number): IncidentBundle {
  const alert: Alert = {
    id: incidentId * 10,
    fingerprint: `fp-${incidentId}`,
    source: 'alertmanager',
    state: 'firing',
    severity: 'critical',
    labels: { alertname: 'HighCpu', metric: 'cpu_usage', host: 'web-1' },
    annotations: { summary: 'cpu high on web-1' },
    startsAt: openedAt,
    endsAt: null,
    lastSeenAt: openedAt,
    updatedAt: openedAt,
    occurrences: 1,
    silenced: false,
    silencedBy: [],
    acknowledgedBy: null,
    acknowledgedAt: null,
    ackComment: null,
    incidentId,
    generatorUrl: null,
  };
  return {
    version: INCIDENT_BUNDLE_VERSION,
    exportedAt: openedAt + 60_000,
    incident: {
      id: incidentId,
      title: 'HighCpu on web-1',
      severity: 'critical',
      status: 'open',
      commander: null,
      groupKey: 'host=web-1',
      openedAt,
      lastActivityAt: openedAt,
      mitigatedAt: null,
      resolvedAt: null,
      mergedInto: null,
      alertCount: 1,
      firingCount: 1,
      updatedAt: openedAt,
    },
    alerts: [alert],
    alertHistory: [],
    timeline: [
      {
        id: incidentId * 100,
        incidentId,
        ts: openedAt,
        kind: 'incident_opened',
        actor: 'system',
        actorKind: 'system',
        alertId: alert.id,
        text: 'Incident opened by HighCpu on web-1',
        data: {},
        editedAt: null,
        deletedAt: null,
        deletedBy: null,
        revisionCount: 0,
      },
    ],
    noteRevisions: [],
    silences: [],
    metricsWindow: { from: openedAt - 1_800_000, to: openedAt + 1_800_000, selectors: ['cpu_usage{host="web-1"}'] },
  };
}
