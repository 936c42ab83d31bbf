import { hasPermission } from '../../../shared/auth/permissions.ts';
import type { IncidentBundle, IncidentDetail } from '../../../shared/api/incidents.ts';
import type { Principal } from '../auth/principal.ts';

/**
 * What of an incident a principal reads besides the incident and its timeline: its alerts
 * (with their history and the silences on them) need `alerts:read`, its metrics (summaries
 * and the selectors built from the alerts' labels) `metrics:read` as well, as on their own
 * routes. The data-source queries of its metrics panel are the incident's own (its route
 * is `incidents:read`). Only API keys with scopes lack one while holding `incidents:read`
 * (a status page's); the search and the live stream leave the same out for them.
 */
export function readable(principal: Principal): { alerts: boolean; metrics: boolean } {
  const alerts = hasPermission(principal.role, 'alerts:read', principal.scopes);
  return { alerts, metrics: alerts && hasPermission(principal.role, 'metrics:read', principal.scopes) };
}

export function readableDetail(detail: IncidentDetail, principal: Principal): IncidentDetail {
  return readable(principal).alerts ? detail : { ...detail, alerts: [] };
}

export function readableBundle(bundle: IncidentBundle, principal: Principal): IncidentBundle {
  const may = readable(principal);
  return {
    ...bundle,
    ...(may.alerts ? {} : { alerts: [], alertHistory: [], silences: [] }),
    ...(may.metrics ? {} : { metricsWindow: { from: bundle.metricsWindow.from, to: bundle.metricsWindow.to, selectors: [], series: [] } }),
  };
}
