import { datasourcesRoutes } from './datasources.ts';
import { anomalyWatchRoutes } from './anomaly-watches.ts';
import { alertmanagerRoutes, alertRulesRoutes, alertsRoutes, silencesRoutes } from './alerts.ts';
import { anomalyRoutes } from './anomaly.ts';
import { apiKeysRoutes } from './api-keys.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { serverInfoRoutes } from './server-info.ts';
import { runbooksRoutes } from './runbooks.ts';
import { chatopsRoutes, slackRoutes } from './chatops.ts';
import { incidentsRoutes } from './incidents.ts';
import { incidentGroupingRoutes } from './incident-grouping.ts';
import { fleetRoutes } from './fleet.ts';
import { searchRoutes } from './search.ts';
import { metricsRoutes } from './metrics.ts';
import { webhooksRoutes } from './notifications.ts';
import { signingKeysRoutes } from './signing-keys.ts';
import { streamRoutes } from './stream.ts';
import { userLockoutsRoutes, usersRoutes } from './users.ts';

/**
 * The route table: every endpoint of `/api/v1`, grouped by feature. The server registers
 * each group from here and `createApiClient` derives its calls from it.
 */
export const apiRoutes = {
  auth: authRoutes,
  users: usersRoutes,
  userLockouts: userLockoutsRoutes,
  apiKeys: apiKeysRoutes,
  audit: auditRoutes,
  signingKeys: signingKeysRoutes,
  metrics: metricsRoutes,
  anomaly: anomalyRoutes,
  alerts: alertsRoutes,
  silences: silencesRoutes,
  alertRules: alertRulesRoutes,
  alertmanager: alertmanagerRoutes,
  webhooks: webhooksRoutes,
  incidents: incidentsRoutes,
  incidentGrouping: incidentGroupingRoutes,
  fleet: fleetRoutes,
  search: searchRoutes,
  datasources: datasourcesRoutes,
  anomalyWatches: anomalyWatchRoutes,
  server: serverInfoRoutes,
  runbooks: runbooksRoutes,
  chatops: chatopsRoutes,
  slack: slackRoutes,
  stream: streamRoutes,
} as const;

/** Groups a JSON client can call (Slack's endpoints are Slack's; the stream's `events` is read by an SSE client, its `ticket` by JSON). */
export type JsonRouteGroups = Omit<typeof apiRoutes, 'slack'>;
