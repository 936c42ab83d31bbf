import type { Logger } from 'pino';
import type { Alert, WebhookFormat } from '../../../shared/api/alerts.ts';
import type { AlertNotifier } from '../alerts/ports.ts';
import type { UnitOfWork } from '../core/unit-of-work.ts';
import type { Db } from '../db/database.ts';
import { renderNotification } from './formats.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * Queues a delivery per matching webhook for an alert that fired or resolved, and wakes the
 * dispatcher once they are queued.
 *
 * SQLite: inside the alert's transaction (same file, same connection), so a notification
 * exists exactly when the alert change does. PostgreSQL: the alert is in this replica's
 * SQLite file and the queue in the shared database, so the deliveries are queued right after
 * the alert's commit; a replica dying in between loses that notification (until alerts move
 * to the shared database too), and a failure to queue is logged.
 */
export function webhookNotifier(webhooks: WebhookStore, sqlite: Db, wake: () => void, log: Pick<Logger, 'error'>): AlertNotifier {
  return {
    notify(alert: Alert, event: 'firing' | 'resolved', unit: UnitOfWork, now: number) {
      const payloadIn = (format: WebhookFormat) => JSON.stringify(renderNotification(format, alert, event, now));
      if (webhooks.dialect === 'sqlite') {
        // Rendered only in the formats the matching webhooks want (usually none).
        if (webhooks.enqueueNow(sqlite, alert, event, payloadIn, now) > 0) unit.afterCommit(wake);
        return;
      }
      const payloads: Record<WebhookFormat, string> = { json: payloadIn('json'), slack: payloadIn('slack') };
      unit.afterCommit(() => {
        webhooks.enqueue(alert, event, payloads, now).then(
          (queued) => {
            if (queued > 0) wake();
          },
          (error: unknown) => log.error({ err: error, alertId: alert.id, event }, 'could not queue webhook deliveries'),
        );
      });
    },
  };
}
