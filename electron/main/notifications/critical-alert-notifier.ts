import type { Alert } from '../../../shared/api/alerts.ts';
import { showKept } from './kept-notifications.ts';
import { NOTIFICATION_BODY_MAX, NOTIFICATION_TITLE_MAX, notificationText } from './notification-text.ts';

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
  /** A click on a storm's summary notification: the firing alert list. */
  openAlerts: () => void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => void;
}

/**
 * A storm (a network partition firing hundreds of critical alerts at once) must not bury
 * the desktop under notifications that never time out: at most `limit` of them in
 * `windowMs`; what comes beyond is counted into one summary, shown `summaryDelayMs`
 * later and then at most once a window while the storm lasts.
 */
export const CRITICAL_BURST = { limit: 3, windowMs: 60_000, summaryDelayMs: 2_000 } as const;

export function stormSummaryOptions(alerts: readonly Alert[]): NativeNotificationOptions {
  // Each name cut on its own, so the count and the advice after them always fit.
  const named = alerts.slice(0, 3).map((alert) => notificationText(alertTitle(alert), 90)).join(', ');
  const rest = alerts.length - Math.min(3, alerts.length);
  return {
    title: `Critical: ${alerts.length} more ${alerts.length === 1 ? 'alert' : 'alerts'}`,
    body: notificationText(`${named}${rest > 0 ? ` and ${rest} more` : ''}. Open the app for the firing alerts.`, NOTIFICATION_BODY_MAX),
    urgency: 'critical',
    timeoutType: 'never',
  };
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
    title: notificationText(`Critical: ${alertTitle(alert)}`, NOTIFICATION_TITLE_MAX),
    body: notificationText([host, alert.annotations.description].filter(Boolean).join(' — '), NOTIFICATION_BODY_MAX) || 'A critical alert is firing.',
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
  private readonly now: () => number;
  private readonly setTimer: (run: () => void, ms: number) => void;
  /** When the alerts of the current window were shown on their own. */
  private recent: number[] = [];
  /** Alerts of a storm waiting for the summary. */
  private overflow: Alert[] = [];
  private summaryDue = false;
  private lastSummaryAt = -Infinity;

  constructor(options: CriticalAlertNotifierOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((run, ms) => void setTimeout(run, ms));
  }

  /** Notifications still on screen (for tests and diagnostics). */
  get pending(): number {
    return this.shown.size;
  }

  notify(alert: Alert): void {
    if (!this.options.notifications.isSupported()) return;
    const now = this.now();
    this.recent = this.recent.filter((at) => at > now - CRITICAL_BURST.windowMs);
    if (this.recent.length >= CRITICAL_BURST.limit || this.overflow.length > 0 || this.summaryDue) {
      this.overflow.push(alert);
      this.scheduleSummary(now);
      return;
    }
    this.recent.push(now);
    this.showAlert(alert);
  }

  private scheduleSummary(now: number): void {
    if (this.summaryDue) return;
    this.summaryDue = true;
    this.setTimer(() => this.showSummary(), Math.max(CRITICAL_BURST.summaryDelayMs, this.lastSummaryAt + CRITICAL_BURST.windowMs - now));
  }

  private showSummary(): void {
    this.summaryDue = false;
    const alerts = this.overflow;
    this.overflow = [];
    if (alerts.length === 0) return;
    this.lastSummaryAt = this.now();
    showKept(this.shown, this.options.notifications.create(stormSummaryOptions(alerts)), { click: () => this.options.openAlerts() });
  }

  private showAlert(alert: Alert): void {
    showKept(this.shown, this.options.notifications.create(criticalNotificationOptions(alert, this.options.platform)), {
      click: () => this.options.openAcknowledge(alert),
      action: () => void this.options.acknowledge(alert).catch((error: Error) => this.options.reportFailure(alert, error.message)),
    });
  }
}
