import { Kbd, Paper, SegmentedControl, Stack, Switch, Table, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { useCriticalAlertToasts } from './preferences.ts';
import { ServerVersion } from './ServerVersion.tsx';
import { UpdatesPanel } from './UpdatesPanel.tsx';
import { BrowserNotificationsSetting } from './BrowserNotificationsSetting.tsx';

const SHORTCUTS: Array<[string[], string]> = [
  [['/'], 'Open the command palette (also Ctrl/⌘ K)'],
  [['j'], 'Next row in a list'],
  [['k'], 'Previous row in a list'],
  [['Enter'], 'Open the highlighted row'],
  [['a'], 'Acknowledge the highlighted alert'],
  [['s'], 'Silence the highlighted alert'],
  [['x'], 'Select the highlighted alert for a bulk action'],
];

export function SettingsView() {
  const platform = usePlatform();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const [toasts, setToasts] = useCriticalAlertToasts();
  return (
    <>
      <PageHeader title="Settings" description="How this console looks and talks to you." />
      <Stack maw={720}>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h5" mb="xs" id="theme-label">Theme</Title>
          <SegmentedControl
            aria-labelledby="theme-label"
            value={colorScheme}
            onChange={(value) => setColorScheme(value as MantineColorScheme)}
            data={[
              { value: 'auto', label: 'Follow the system' },
              { value: 'light', label: 'Light' },
              { value: 'dark', label: 'Dark' },
            ]}
          />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h5" mb="xs">Notifications</Title>
          <Switch
            label="Pop up new critical alerts in the console"
            description={platform.kind === 'desktop' ? 'The desktop app also sends native notifications for them.' : 'Shown while this tab is open.'}
            checked={toasts}
            onChange={(e) => setToasts(e.currentTarget.checked)}
          />
          {platform.kind === 'web' && <Stack mt="md"><BrowserNotificationsSetting /></Stack>}
        </Paper>
        {platform.bridge && <UpdatesPanel bridge={platform.bridge} />}
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h5" mb="xs">Keyboard</Title>
          <Table aria-label="Keyboard shortcuts">
            <Table.Tbody>
              {SHORTCUTS.map(([keys, what]) => (
                <Table.Tr key={what}>
                  <Table.Td w={120}>{keys.map((key) => <Kbd key={key}>{key}</Kbd>)}</Table.Td>
                  <Table.Td><Text size="sm">{what}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <ServerVersion />
        <Text size="xs" c="dimmed">
          {platform.kind === 'desktop' ? 'Desktop app: credentials are kept by the app in the OS keychain.' : `Web console served by ${window.location.host}. Your session ends when this tab closes.`}
        </Text>
      </Stack>
    </>
  );
}
