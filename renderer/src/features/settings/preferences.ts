import { useLocalStorage } from '@mantine/hooks';

export const TOAST_CRITICAL_KEY = 'smartcloudops.toastCriticalAlerts';

/** Console preferences: per machine, not secrets, so localStorage is the right home. */
export function useCriticalAlertToasts() {
  return useLocalStorage<boolean>({ key: TOAST_CRITICAL_KEY, defaultValue: true });
}
