import { Notification } from 'electron';
import type { Alert } from '../../../shared/api/alerts.ts';

export interface CriticalAlertNotifierOptions {
  /** Called when the engineer clicks the notification. */
  open: (alert: Alert) => void;
  /** Called for the notification's Acknowledge button. */
  acknowledge: (alert: Alert) => Promise<void>;
  /** Tells the engineer when acknowledging from the notification failed. */
  reportFailure: (alert: Alert, message: string) => void;
}

export function alertTitle(alert: Alert): string {
  return alert.annotations.summary ?? alert.labels.alertname ?? `Alert ${alert.id}`;
}

/**
 * A native notification per new critical alert. Action buttons exist on macOS (and on
 * Windows with toast XML, which Electron does not expose through `actions`), so the
 * Acknowledge button is offered there; elsewhere a click opens the alert.
 */
export class CriticalAlertNotifier {
  private readonly options: CriticalAlertNotifierOptions;
  /** Kept referenced: a garbage-collected notification loses its click handlers. */
  private readonly shown = new Set<Notification>();

  constructor(options: CriticalAlertNotifierOptions) {
    this.options = options;
  }

  notify(alert: Alert): void {
    if (!Notification.isSupported()) return;
    const host = alert.labels.host ?? alert.labels.instance ?? alert.labels.target;
    const notification = new Notification({
      title: `Critical: ${alertTitle(alert)}`,
      body: [host, alert.annotations.description].filter(Boolean).join(' — ') || 'A critical alert is firing.',
      urgency: 'critical',
      timeoutType: 'never',
      ...(process.platform === 'darwin' ? { actions: [{ type: 'button' as const, text: 'Acknowledge' }] } : {}),
    });
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.options.open(alert);
    });
    notification.on('action', () => {
      forget();
      this.options.acknowledge(alert).catch((error: Error) => this.options.reportFailure(alert, error.message));
    });
    notification.on('close', forget);
    this.shown.add(notification);
    notification.show();
  }
}
