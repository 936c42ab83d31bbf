import type { Registry } from 'prom-client';
import type { ServerContext } from './context.ts';
import type { Feature } from './core/feature.ts';
import { createAuditFeature } from './audit/feature.ts';
import { RefreshTokens } from './auth/refresh-tokens.ts';
import { createUsersFeature } from './users/feature.ts';
import { createAuthFeature } from './auth/feature.ts';
import { createApiKeysFeature } from './api-keys/feature.ts';
import { createMetricsFeature } from './metrics/feature.ts';
import { metricsQueryOf } from './metrics/query.ts';
import { createAnomalyFeature } from './anomaly/feature.ts';
import type { AnomalySettings } from './anomaly/service.ts';
import { openAlertData } from './alerts/stores.ts';
import { createAlertsFeature, DEFAULT_ALERTS_SETTINGS, type AlertsSettings } from './alerts/feature.ts';
import { createIncidentsFeature } from './incidents/feature.ts';
import type { GroupingPolicy } from './incidents/grouping.ts';
import { createNotificationsFeature, type NotificationSettings } from './notifications/feature.ts';
import { createStreamFeature } from './stream/feature.ts';
import type { StreamOwner } from './stream/hub.ts';
import { AppError } from '../../shared/errors.ts';
import { createChatOpsFeature } from './chatops/feature.ts';
import type { ChatOpsSettings } from './chatops/settings.ts';
import { createRunbooksFeature } from './runbooks/feature.ts';
import type { RunbookSettings } from './runbooks/settings.ts';
import { RunbookChatGateway } from './runbooks/chat-gateway.ts';
import { createDatasourcesFeature, type DatasourcesFeature, type DatasourceSettingsInput } from './datasources/plugin.ts';
import type { PromqlSources } from './runbooks/promql-verify.ts';
import { promSeconds } from '../../shared/metrics/prom-values.ts';
import { createFleetFeature } from './fleet/feature.ts';
import { credentialStateOf } from './auth/credential-state.ts';

/** Tuning of the alerting features together (grouping, webhook backoff, timers), for tests and benchmarks. */
export type AlertingSettings = AlertsSettings & NotificationSettings & { grouping: Partial<GroupingPolicy> };

export interface FeatureOptions {
  registry: Registry;
  accessTokenTtlSeconds?: number;
  /** The clock access tokens are issued and checked against (tests move it). */
  tokenClock?: () => number;
  alerting?: Partial<AlertingSettings>;
  anomaly?: Partial<AnomalySettings>;
  chatops?: Partial<ChatOpsSettings>;
  datasources?: DatasourceSettingsInput;
  runbooks: RunbookSettings;
  /** How often open event streams' credentials are checked again, ms (tests shorten it). */
  streamRecheckMs?: number;
}

/**
 * Builds every feature in dependency order and lends each what it needs from the others
 * as interfaces, so no feature folder imports a feature that imports it back.
 */
export function createFeatures(ctx: ServerContext, options: FeatureOptions) {
  const { grouping, ...alerting } = options.alerting ?? {};
  // Authentication remembers what it read while the credential tables are unchanged, where
  // this process sees every change to them (SQLite); on PostgreSQL it reads per request.
  const credentials = credentialStateOf(ctx.sql.dialect, ctx.db);
  const refreshTokens = new RefreshTokens(ctx.sql, undefined, ctx.now);
  const users = createUsersFeature(ctx, { sessions: refreshTokens });
  const auth = createAuthFeature(ctx, { users: users.service, refreshTokens, credentials, ...(options.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}), ...(options.tokenClock ? { tokenClock: options.tokenClock } : {}) });
  const apiKeys = createApiKeysFeature(ctx, credentials);
  const audit = createAuditFeature(ctx);
  const metrics = createMetricsFeature(ctx, { registry: options.registry, scrapeTargets: ctx.config.scrapeTargets });
  const metricsQuery = metricsQueryOf(metrics.service);
  const alertData = openAlertData(ctx);
  const notifications = createNotificationsFeature(ctx, alerting);
  // Data sources are built after incidents (they need alerts, which need incidents), so the
  // catalogue a source query is checked against is looked up when a query is added.
  const sources = { exists: async (id: number) => (await datasources.service.service.store.byId(id)) !== undefined };
  const incidents = createIncidentsFeature(ctx, { alerts: alertData, metrics: metricsQuery, sources, ...(grouping ? { grouping } : {}) });
  const alerts = createAlertsFeature(ctx, { data: alertData, links: incidents.service.links, notifier: notifications.service.notifier, metrics: metricsQuery, settings: alerting });
  // Built after alerts: an anomaly's alert is stored before its sample counts as scored.
  const anomaly = createAnomalyFeature(ctx, metrics.service.targets, alerts.service.alarms, options.anomaly);
  // An open stream's credential is checked again: its session (and user), or its API key (and owner).
  const streamLiveness = async (owner: StreamOwner): Promise<boolean> => {
    if (owner.apiKeyId !== undefined) return apiKeys.service.isLive(owner.apiKeyId);
    if (owner.sessionId === undefined) return true;
    try {
      await auth.service.authenticateSession(owner.userId, owner.sessionId);
      return true;
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
  };
  // The stream's log keeps a marker per sample, alert and timeline event and replays them
  // from the metrics store and the alerts' and timeline's tables.
  const stream = createStreamFeature(ctx, {
    registry: options.registry,
    log: {
      samples: (after, upTo) => metrics.service.samplesBetween(after, upTo),
      records: { alerts: (ids) => alertData.alerts.byIds(ids), timeline: (ids) => incidents.service.timeline.byIds(ids) },
    },
    liveness: streamLiveness,
    ...(options.streamRecheckMs !== undefined ? { recheckMs: options.streamRecheckMs } : {}),
  });
  // A revoked session's open event streams are cut at once, not left delivering until they drop;
  // so are those of a revoked key, and of a disabled or removed user's keys (the check below).
  const checkStreams = () => void stream.service.checkCredentials();
  refreshTokens.onRevoked((ended) => {
    stream.service.endSessions(ended);
    if ('userId' in ended) checkStreams();
  });
  apiKeys.service.onRevoked(checkStreams);
  const ruleIntervalMs = alerting.ruleIntervalMs ?? DEFAULT_ALERTS_SETTINGS.ruleIntervalMs;
  const datasources = createDatasourcesFeature(ctx, { ...(options.datasources ? { settings: options.datasources } : {}), alarms: alerts.service.alarms, rules: { host: alerts.service, intervalMs: ruleIntervalMs } });
  const alertingServices = { ...alerts.service, incidents: incidents.service.incidents, timeline: incidents.service.timeline, incidentService: incidents.service.service };
  const runbooks = createRunbooksFeature(ctx, { alerting: alertingServices, metrics: metrics.service, settings: options.runbooks, secrets: datasources.service.secrets, promql: promqlSourcesOf(datasources.service) });
  const chatops = createChatOpsFeature(ctx, {
    metrics: metrics.service,
    alerting: alertingServices,
    users: users.service.repository,
    anomalyEvents: anomaly.events,
    settings: { runbooks: new RunbookChatGateway(runbooks.service), ...options.chatops },
  });
  // Fleet health reads one inventory from three features: series, watches, alerts.
  const fleet = createFleetFeature(ctx, {
    sources: {
      series: async () => metrics.service.latest(await metrics.service.findSeries()),
      watches: () => datasources.service.watches.list(),
      alerts: async (resolvedSince) => [...(await alertData.alerts.active()), ...(await alertData.alerts.list({ state: 'resolved', from: resolvedSince, limit: 500 })).items],
    },
  });
  return { users, auth, apiKeys, audit, metrics, anomaly, notifications, incidents, alerts, stream, datasources, runbooks, chatops, fleet } satisfies Record<string, Feature<unknown>>;
}

export type Features = ReturnType<typeof createFeatures>;

/** The data sources as runbooks' verify reads them: by name, one instant query through the proxy (its auth, timeout, limits). */
function promqlSourcesOf(datasources: DatasourcesFeature): PromqlSources {
  return {
    byName: (name) => datasources.service.store.byName(name),
    instant: async (id, query, atMs) => (await datasources.proxy.forward(id, 'query', { query, time: promSeconds(atMs) })).body.toString('utf8'),
  };
}
