import type { Alert } from '../../../shared/api/alerts.ts';
import type { SequencedStreamEvent } from '../../../shared/api/stream.ts';
import { readLocalStorageValue } from '@mantine/hooks';
import { alertTarget, alertTitle } from '../features/alerts/alert-text.ts';
import { acknowledgeLink } from '../features/alerts/use-acknowledge-link.ts';
import { BROWSER_NOTIFY_KEY } from '../features/settings/preferences.ts';
import { navigate } from '../lib/router.ts';
import { playAlertSound } from './alert-sound.ts';

/** The parts of the browser's Notification API used here (injected, so tests need no browser). */
export interface NotificationApi {
  permission: NotificationPermission;
  create(title: string, options: NotificationOptions): { onclick: ((event: Event) => void) | null; close(): void };
}

export interface BrowserNotifyDeps {
  api: NotificationApi | null;
  /** The user turned browser notifications on in Settings. */
  enabled: boolean;
  playSound: () => void;
  /** Brings the tab forward on the alert, its acknowledge form focused. */
  open: (alert: Alert) => void;
}

/** A new or re-fired, unsilenced critical alert: the same rule as the in-tab toast. */
export function criticalAlertOf(event: SequencedStreamEvent): Alert | null {
  if (event.type !== 'alert') return null;
  const { action, alert } = event.data;
  if (alert.severity !== 'critical' || (action !== 'created' && action !== 'refired') || alert.silenced) return null;
  return alert;
}

export function notificationText(alert: Alert): { title: string; body: string } {
  const target = alertTarget(alert);
  const description = alert.annotations.description;
  return {
    title: `Critical: ${alertTitle(alert)}`,
    body: [target, description].filter(Boolean).join(' — ') || 'A critical alert is firing.',
  };
}

/**
 * Raises a system notification with a sound for a critical alert when the user opted in and
 * the browser granted permission; returns whether it did. One notification per alert
 * (`tag`), kept until dismissed (`requireInteraction`): a page wants a human.
 */
export function notifyInBrowser(event: SequencedStreamEvent, deps: BrowserNotifyDeps): boolean {
  const alert = criticalAlertOf(event);
  if (!alert || !deps.enabled || !deps.api || deps.api.permission !== 'granted') return false;
  const { title, body } = notificationText(alert);
  const notification = deps.api.create(title, { body, tag: `critical-alert-${alert.id}`, requireInteraction: true });
  notification.onclick = () => {
    notification.close();
    deps.open(alert);
  };
  deps.playSound();
  return true;
}

/** The page's Notification API, or null where the browser has none (or in the desktop window). */
export function windowNotificationApi(): NotificationApi | null {
  const Ctor = globalThis.Notification as typeof Notification | undefined;
  if (!Ctor) return null;
  return {
    get permission() {
      return Ctor.permission;
    },
    create: (title, options) => new Ctor(title, options),
  };
}

/** The live stream's hook: reads the opt-in each time, so turning it off takes effect at once. */
export function browserNotifyCritical(event: SequencedStreamEvent): void {
  notifyInBrowser(event, {
    api: windowNotificationApi(),
    enabled: readLocalStorageValue<boolean>({ key: BROWSER_NOTIFY_KEY, defaultValue: false }),
    playSound: () => void playAlertSound(),
    open: (alert) => {
      window.focus();
      navigate(acknowledgeLink(alert.id));
    },
  });
}
