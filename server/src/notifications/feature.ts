import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import type { AlertNotifier } from '../alerts/ports.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { WebhookDispatcher } from './dispatcher.ts';
import { webhookNotifier } from './notifier.ts';
import { webhookRoutes } from './routes.ts';
import { WebhookStore } from './webhook-store.ts';

export interface NotificationSettings {
  backoff: BackoffPolicy;
  webhookTimeoutMs: number;
  webhookConcurrency: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { backoff: DEFAULT_BACKOFF, webhookTimeoutMs: 10_000, webhookConcurrency: 4 };

export interface NotificationsService {
  webhooks: WebhookStore;
  dispatcher: WebhookDispatcher;
  /** Lent to the alerts feature: queues deliveries for an alert that fired or resolved. */
  notifier: AlertNotifier;
}

/** Outbound webhooks: their configuration API, the delivery queue and the dispatcher that drains it. */
export function createNotificationsFeature(ctx: ServerContext, settings: Partial<NotificationSettings> = {}): Feature<NotificationsService> {
  const merged = { ...DEFAULT_NOTIFICATION_SETTINGS, ...settings };
  // On the shared query layer: with replicas on PostgreSQL, one set of webhooks and one queue.
  const webhooks = new WebhookStore(ctx.sql);
  const dispatcher = new WebhookDispatcher({
    sql: ctx.sql,
    log: ctx.log,
    now: ctx.now,
    backoff: merged.backoff,
    timeoutMs: merged.webhookTimeoutMs,
    concurrency: merged.webhookConcurrency,
  });
  const service: NotificationsService = { webhooks, dispatcher, notifier: webhookNotifier(webhooks, () => dispatcher.kick()) };
  return {
    service,
    plugin: async (app) => {
      // Whatever was pending before a restart (or queued by another replica) is sent now.
      dispatcher.kick();
      app.addHook('onClose', async () => dispatcher.stop());
      await app.register(webhookRoutes, { ctx, webhooks, timeoutMs: merged.webhookTimeoutMs });
    },
  };
}
