import { useState } from 'react';
import { Button, Group, Stack, Switch, Text } from '@mantine/core';
import { playAlertSound } from '../../live/alert-sound.ts';
import { windowNotificationApi } from '../../live/browser-notifications.ts';
import { useBrowserNotifications } from './preferences.ts';

const PERMISSION_TEXT: Record<NotificationPermission, string> = {
  granted: 'This browser allows notifications from the console.',
  denied: 'This browser blocks notifications from the console: allow them in the site settings (the icon left of the address), then turn this on again.',
  default: 'The browser asks for permission when you turn this on.',
};

/**
 * Web console: opt in to system notifications with a sound for new critical alerts. The
 * permission request runs inside the switch's click (browsers ignore it without a gesture).
 */
export function BrowserNotificationsSetting() {
  const api = windowNotificationApi();
  const [enabled, setEnabled] = useBrowserNotifications();
  const [permission, setPermission] = useState<NotificationPermission | null>(() => api?.permission ?? null);
  if (!api || permission === null) return <Text size="sm" c="dimmed">This browser cannot show system notifications; critical alerts pop up in the tab.</Text>;

  const toggle = async (on: boolean) => {
    if (!on) {
      setEnabled(false);
      return;
    }
    const answer = api.permission === 'default' ? await Notification.requestPermission() : api.permission;
    setPermission(answer);
    setEnabled(answer === 'granted');
  };
  const test = () => {
    api.create('Test: notifications work', { body: 'Critical alerts will appear like this, with a sound.', tag: 'smartcloudops-test' });
    void playAlertSound();
  };

  return (
    <Stack gap="xs">
      <Switch
        label="System notifications with sound for new critical alerts"
        description="Also when this tab is in the background. Click one to open the alert, ready to acknowledge."
        checked={enabled && permission === 'granted'}
        onChange={(e) => void toggle(e.currentTarget.checked)}
      />
      <Group gap="sm" wrap="wrap">
        <Text size="xs" c="dimmed" data-testid="notification-permission" data-permission={permission}>{PERMISSION_TEXT[permission]}</Text>
        {enabled && permission === 'granted' && <Button size="xs" variant="default" onClick={test}>Send a test notification</Button>}
      </Group>
    </Stack>
  );
}
