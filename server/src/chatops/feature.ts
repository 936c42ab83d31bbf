import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import type { ChatAlerting, ExecutorDeps } from './executors/types.ts';
import type { MetricsService } from '../metrics/service.ts';
import type { UserRepository } from '../users/repository.ts';
import { QueryBudget } from '../datasources/query-budget.ts';
import { LiveInventory } from './live-inventory.ts';
import { UnavailableRunbookGateway } from './runbook-gateway.ts';
import { chatRoutes } from './routes.ts';
import { ChatService } from './service.ts';
import { DEFAULT_CHATOPS_SETTINGS, type ChatOpsSettings } from './settings.ts';
import { slackPlugin } from './slack/plugin.ts';
import { ChatStore } from './store.ts';

export interface ChatOpsFeature {
  service: ChatService;
  store: ChatStore;
  settings: ChatOpsSettings;
}

export interface ChatOpsDeps {
  metrics: MetricsService;
  alerting: ChatAlerting;
  /** The users (on the shared database, so a user created on another replica is found). */
  users: Pick<UserRepository, 'byId' | 'byUsername'>;
  /** The anomalies the engine raised (anomaly.explain). */
  anomalyEvents: ExecutorDeps['anomalyEvents'];
  settings?: Partial<ChatOpsSettings>;
}

/**
 * ChatOps under /api/v1: the console's chat, chat user mappings and the Slack endpoints,
 * driving the metrics, alerting and runbook services it is lent.
 */
export function createChatOpsFeature(ctx: ServerContext, deps: ChatOpsDeps): Feature<ChatOpsFeature> {
  const merged: ChatOpsSettings = { ...DEFAULT_CHATOPS_SETTINGS, ...deps.settings };
  const runbooks = merged.runbooks ?? new UnavailableRunbookGateway();
  const store = new ChatStore(ctx.sql);
  const inventory = new LiveInventory(deps.metrics, runbooks, ctx.now);
  // Per principal, shared by the replicas through rate_limit_counters (as the query proxy's budget).
  const limit = new QueryBudget({
    max: merged.messagesPerMinute,
    windowMs: 60_000,
    sql: ctx.sql,
    now: ctx.now,
    keyPrefix: 'chat-message:',
    onSyncError: (error) => ctx.log.warn({ err: error }, 'chat rate limit: the shared counters could not be written'),
  });
  const service = new ChatService({ anomalyEvents: deps.anomalyEvents, metrics: deps.metrics, alerts: deps.alerting, runbooks, inventory, now: ctx.now, store, audit: ctx.audit, sql: ctx.sql, settings: merged, limit });
  const chatops: ChatOpsFeature = { service, store, settings: merged };
  return {
    service: chatops,
    plugin: async (app) => {
      app.addHook('onClose', () => limit.close());
      await app.register(chatRoutes, { service, store, users: deps.users, audit: ctx.audit, sql: ctx.sql, now: ctx.now });
      await app.register(slackPlugin, { ctx, feature: chatops, users: deps.users });
    },
  };
}
