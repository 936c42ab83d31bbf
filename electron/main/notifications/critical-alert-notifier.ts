import type { Alert } from '../../../shared/api/alerts.ts';

/** The parts of Electron's `Notification` used here; main passes Electron's, tests a recorder. */
export interface NativeNotification {
  on(event: 'click' | 'action' | 'close', listener: () => void): unknown;
  show(): void;
}

export interface NativeNotificationOptions {
  title: string;
  body: string;
  urgency: 'critical';
  timeoutType: 'never';
  actions?: Array<{ type: 'button'; text: string }>;
}

export interface NotificationFactory {
  isSupported(): boolean;
  create(options: NativeNotificationOptions): NativeNotification;
}

export interface CriticalAlertNotifierOptions {
  notifications: NotificationFactory;
  /** `process.platform`: action buttons exist on macOS only. */
  platform: NodeJS.Platform;
  /** A click: opens the alert in the console with its acknowledge form focused. */
  openAcknowledge: (alert: Alert) => void;
  /** The notification's Acknowledge button (macOS). */
  acknowledge: (alert: Alert) => Promise<void>;
  /** Tells the engineer when acknowledging from the notification failed. */
  reportFailure: (alert: Alert, message: string) => void;
}

export function alertTitle(alert: Alert): string {
  return alert.annotations.summary ?? alert.labels.alertname ?? `Alert ${alert.id}`;
}

/**
 * Action buttons exist on macOS (and on Windows with toast XML, which Electron does not
 * expose through `actions`), so the Acknowledge button is offered there only.
 */
export function supportsActions(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

export function criticalNotificationOptions(alert: Alert, platform: NodeJS.Platform): NativeNotificationOptions {
  const host = alert.labels.host ?? alert.labels.instance ?? alert.labels.target;
  return {
    title: `Critical: ${alertTitle(alert)}`,
    body: [host, alert.annotations.description].filter(Boolean).join(' — ') || 'A critical alert is firing.',
    urgency: 'critical',
    timeoutType: 'never',
    ...(supportsActions(platform) ? { actions: [{ type: 'button' as const, text: 'Acknowledge' }] } : {}),
  };
}

/**
 * A native notification per new critical alert. On macOS its Acknowledge button
 * acknowledges without opening the app; everywhere a click opens the alert with the
 * acknowledge form up and its button focused (Linux and Windows: one Enter away).
 */
export class CriticalAlertNotifier {
  private readonly options: CriticalAlertNotifierOptions;
  /** Kept referenced: a garbage-collected notification loses its click handlers. */
  private readonly shown = new Set<NativeNotification>();

  constructor(options: CriticalAlertNotifierOptions) {
    this.options = options;
  }

  /** Notifications still on screen (for tests and diagnostics). */
  get pending(): number {
    return this.shown.size;
  }

  notify(alert: Alert): void {
    if (!this.options.notifications.isSupported()) return;
    const notification = this.options.notifications.create(criticalNotificationOptions(alert, this.options.platform));
    const forget = () => this.shown.delete(notification);
    notification.on('click', () => {
      forget();
      this.options.openAcknowledge(alert);
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
