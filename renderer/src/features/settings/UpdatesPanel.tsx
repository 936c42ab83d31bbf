import { useEffect, useState } from 'react';
import { Alert, Button, Group, Paper, Progress, ScrollArea, Stack, Switch, Text, Title } from '@mantine/core';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { UpdateSettings, UpdateStatus } from '../../../../shared/ipc/channels/updates.ts';
import { unwrap } from '../../platform/ipc-result.ts';

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}

/** Follows main's update status: the answer of each call, then every `updates.changed`. */
function useUpdateStatus(bridge: SmartCloudOpsBridge): [UpdateStatus | null, (status: UpdateStatus) => void] {
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    const off = bridge.updates.onChanged(setStatus);
    void unwrap(bridge.updates.status()).then(setStatus, () => undefined);
    return off;
  }, [bridge]);
  return [status, setStatus];
}

/**
 * Desktop only: the app's own updates. Every step is the engineer's (an on-call console
 * never restarts itself mid-incident): check, download with progress, restart to update.
 */
export function UpdatesPanel({ bridge }: { bridge: SmartCloudOpsBridge }) {
  const [status, setStatus] = useUpdateStatus(bridge);
  const [settings, setSettings] = useState<UpdateSettings | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    void unwrap(bridge.updates.settings()).then(setSettings, () => undefined);
  }, [bridge]);

  const act = (call: () => Promise<UpdateStatus | null>) => {
    setFailure(null);
    void call().then((next) => next && setStatus(next), (error: Error) => setFailure(error.message));
  };
  const changeAutomatic = (checkAutomatically: boolean) => {
    setFailure(null);
    void unwrap(bridge.updates.setSettings({ checkAutomatically })).then(setSettings, (error: Error) => setFailure(error.message));
  };
  const state = status?.state ?? 'idle';
  const busy = state === 'checking' || state === 'downloading';

  return (
    <Paper withBorder p="md" radius="md" aria-labelledby="updates-title">
      <Title order={2} size="h5" mb="xs" id="updates-title">Updates</Title>
      <Stack gap="sm">
        {status && <Text size="sm">Version {status.currentVersion}</Text>}
        {state === 'disabled' && <Text size="sm" c="dimmed">Updates are off in development builds.</Text>}
        {state === 'not-available' && <Text size="sm">You have the latest version.</Text>}
        {state === 'checking' && <Text size="sm">Checking for updates…</Text>}
        {state === 'error' && (
          <Alert color="red" title="The update failed">
            {status?.errorMessage}
          </Alert>
        )}
        {(state === 'available' || state === 'downloading' || state === 'downloaded') && status?.availableVersion && (
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              {state === 'downloaded' ? `Version ${status.availableVersion} is ready to install.` : `Update available: version ${status.availableVersion}`}
            </Text>
            {status.releaseNotes && (
              <ScrollArea.Autosize mah={200} type="auto">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} aria-label="Release notes">
                  {status.releaseNotes}
                </Text>
              </ScrollArea.Autosize>
            )}
          </Stack>
        )}
        {state === 'downloading' && status?.progress && (
          <Stack gap={4}>
            <Progress value={status.progress.percent} aria-label="Download progress" />
            <Text size="xs" c="dimmed">
              {Math.round(status.progress.percent)}%{status.progress.total > 0 ? ` of ${formatBytes(status.progress.total)}` : ''}
            </Text>
          </Stack>
        )}
        {failure && <Text size="sm" c="red">{failure}</Text>}
        <Group>
          {state === 'available' && <Button onClick={() => act(() => unwrap(bridge.updates.download()))}>Download update</Button>}
          {state === 'downloaded' && <Button onClick={() => act(async () => unwrap(bridge.updates.install()))}>Restart to update</Button>}
          {state !== 'disabled' && state !== 'downloaded' && (
            <Button variant="default" loading={busy} disabled={busy} onClick={() => act(() => unwrap(bridge.updates.check()))}>
              Check for updates
            </Button>
          )}
        </Group>
        {settings && state !== 'disabled' && (
          <Switch
            label="Check for updates automatically"
            description="At start-up and every few hours. Downloading and restarting always wait for you."
            checked={settings.checkAutomatically}
            onChange={(event) => changeAutomatic(event.currentTarget.checked)}
          />
        )}
      </Stack>
    </Paper>
  );
}
