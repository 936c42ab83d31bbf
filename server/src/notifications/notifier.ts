import type { Alert, WebhookFormat } from '../../../shared/api/alerts.ts';
import type { AlertNotifier } from '../alerts/ports.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import { renderNotification } from './formats.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * Queues a delivery per matching webhook for an alert that fired or resolved, inside the
 * alert's unit of work (alerts and the queue are in the same database on both dialects),
 * so a notification exists exactly when the alert change does; wakes the dispatcher once
 * the unit has committed. The rows are written with the unit's other held rows (a batch's
 * deliveries in one statement on PostgreSQL; see `WebhookStore.hold`).
 */
export function webhookNotifier(webhooks: WebhookStore, wake: () => void): AlertNotifier {
  return {
    async notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number) {
      // Rendered now (the alert as it is at this step), only in the formats the matching webhooks want (usually none).
      const payloadIn = (format: WebhookFormat) => JSON.stringify(renderNotification(format, alert, event, now));
      if ((await webhooks.hold(unit, alert, event, payloadIn, now)) > 0) unit.afterCommit(wake);
    },
  };
}
