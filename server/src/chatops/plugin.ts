import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.ts';
import type { AlertsFeature } from '../alerts/feature.ts';
import type { MetricsService } from '../metrics/service.ts';
import { UserStore } from '../users/store.ts';
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

declare module 'fastify' {
  interface FastifyInstance {
    /** ChatOps, for tests and other features. */
    chatops: ChatOpsFeature;
  }
}

/** Built by the server from the features it drives (metrics, alerts and incidents, runbooks). */
export function createChatOpsFeature(ctx: ServerContext, metrics: MetricsService, alerts: AlertsFeature, settings: Partial<ChatOpsSettings> = {}): ChatOpsFeature {
  const merged: ChatOpsSettings = { ...DEFAULT_CHATOPS_SETTINGS, ...settings };
  const runbooks = merged.runbooks ?? new UnavailableRunbookGateway();
  const store = new ChatStore(ctx.db);
  const inventory = new LiveInventory(metrics, runbooks, ctx.now);
  const service = new ChatService({ db: ctx.db, metrics, alerts, runbooks, inventory, now: ctx.now, store, audit: ctx.audit, settings: merged });
  return { service, store, settings: merged };
}

/** ChatOps under /api/v1: the console's chat, chat user mappings and the Slack endpoints. */
export const chatopsPlugin: FastifyPluginAsync<{ ctx: ServerContext; feature: ChatOpsFeature }> = async (app, { ctx, feature }) => {
  const users = new UserStore(ctx.db, ctx.now);
  await app.register(chatRoutes, { service: feature.service, store: feature.store, users, audit: ctx.audit, now: ctx.now });
  await app.register(slackPlugin, { ctx, feature, users });
};
