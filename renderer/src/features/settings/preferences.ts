import { useLocalStorage } from '@mantine/hooks';

/** Console preferences: per machine, not secrets, so localStorage is the right home. */
export function useCriticalAlertToasts() {
  return useLocalStorage<boolean>({ key: 'smartcloudops.toastCriticalAlerts', defaultValue: true });
}
