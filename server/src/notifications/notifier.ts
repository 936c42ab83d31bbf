import type { Alert, WebhookFormat } from '../../../shared/api/alerts.ts';
import type { AlertNotifier } from '../alerts/ports.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import { renderNotification } from './formats.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * Queues a delivery per matching webhook for an alert that fired or resolved, inside the
 * alert's unit of work (alerts and the queue are in the same database on both dialects),
 * so a notification exists exactly when the alert change does; wakes the dispatcher once
 * the unit has committed. On SQLite the unit holds the shared connection and the enqueue
 * runs there synchronously (`enqueueNow`); on PostgreSQL in the unit's transaction.
 */
export function webhookNotifier(webhooks: WebhookStore, wake: () => void): AlertNotifier {
  return {
    async notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number) {
      const payloadIn = (format: WebhookFormat) => JSON.stringify(renderNotification(format, alert, event, now));
      if (unit.sqlite) {
        // Rendered only in the formats the matching webhooks want (usually none).
        if (webhooks.enqueueNow(unit.sqlite, alert, event, payloadIn, now) > 0) unit.afterCommit(wake);
        return;
      }
      const payloads: Record<WebhookFormat, string> = { json: payloadIn('json'), slack: payloadIn('slack') };
      if ((await webhooks.enqueue(alert, event, payloads, now, unit.db)) > 0) unit.afterCommit(wake);
    },
  };
}
