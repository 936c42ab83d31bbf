import type { Alert } from '../../../shared/api/alerts.ts';
import type { AlertNotifier } from '../alerts/ports.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import { renderNotification } from './formats.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * Queues a delivery per matching webhook inside the alert's transaction, and wakes the
 * dispatcher once that transaction has committed.
 */
export function webhookNotifier(webhooks: WebhookStore, wake: () => void): AlertNotifier {
  return {
    notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number) {
      const queued = webhooks.enqueue(alert, event, (format) => renderNotification(format, alert, event, now), now);
      if (queued > 0) unit.afterCommit(wake);
    },
  };
}
