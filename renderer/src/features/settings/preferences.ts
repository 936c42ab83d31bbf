import { useLocalStorage } from '@mantine/hooks';

export const TOAST_CRITICAL_KEY = 'smartcloudops.toastCriticalAlerts';

/** Console preferences: per machine, not secrets, so localStorage is the right home. */
export function useCriticalAlertToasts() {
  return useLocalStorage<boolean>({ key: TOAST_CRITICAL_KEY, defaultValue: true });
}

export const BROWSER_NOTIFY_KEY = 'smartcloudops.browserNotifications';

/**
 * Web console only: system notifications (with a sound) for new critical alerts. Off until
 * the user turns it on, which is also when the browser asks for permission (a user gesture).
 */
export function useBrowserNotifications() {
  return useLocalStorage<boolean>({ key: BROWSER_NOTIFY_KEY, defaultValue: false });
}
