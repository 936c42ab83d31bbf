import { notifications } from '@mantine/notifications';
import { readLocalStorageValue } from '@mantine/hooks';
import type { SequencedStreamEvent } from '../../../shared/api/stream.ts';
import { TOAST_CRITICAL_KEY } from '../features/settings/preferences.ts';
import { alertTitle } from '../features/alerts/alert-text.ts';
import { navigate } from '../lib/router.ts';

/** A new (or re-fired) critical alert pops up in the console, unless the user turned that off. */
export function toastCriticalAlert(event: SequencedStreamEvent): void {
  if (event.type !== 'alert') return;
  const { action, alert } = event.data;
  if (alert.severity !== 'critical' || (action !== 'created' && action !== 'refired') || alert.silenced) return;
  if (!readLocalStorageValue<boolean>({ key: TOAST_CRITICAL_KEY, defaultValue: true })) return;
  notifications.show({
    id: `critical-${alert.id}`,
    color: 'red',
    title: 'Critical alert firing',
    message: alertTitle(alert),
    autoClose: 10_000,
    onClick: () => navigate('/alerts'),
    style: { cursor: 'pointer' },
  });
}
