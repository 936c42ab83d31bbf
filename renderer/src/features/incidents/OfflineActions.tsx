import { Button, Group } from '@mantine/core';
import { IconCloudDownload, IconFileExport } from '@tabler/icons-react';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { unwrap } from '../../platform/ipc-result.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';

/** Desktop only: pin the incident (and the metrics around it) for offline review, or export it as a capsule file. */
export function OfflineActions({ incidentId }: { incidentId: number }) {
  const { bridge } = usePlatform();
  return bridge ? <DesktopOfflineActions bridge={bridge} incidentId={incidentId} /> : null;
}

function DesktopOfflineActions({ bridge, incidentId }: { bridge: SmartCloudOpsBridge; incidentId: number }) {
  const keepOffline = async () => {
    try {
      const pin = await unwrap(bridge.cache.keepOffline({ incidentId }));
      notifySuccess(`Kept offline with ${pin.seriesIds.length} series around it`);
    } catch (error) {
      notifyError('Could not keep it offline', error);
    }
  };
  const exportCapsule = async () => {
    try {
      const saved = await unwrap(bridge.cache.exportCapsule({ incidentId }));
      if (saved) notifySuccess(`Capsule saved to ${saved.path}`);
    } catch (error) {
      notifyError('Could not export the capsule', error);
    }
  };
  return (
    <Group gap="xs">
      <Button variant="default" leftSection={<IconCloudDownload size={16} />} onClick={() => void keepOffline()}>Keep offline</Button>
      <Button variant="default" leftSection={<IconFileExport size={16} />} onClick={() => void exportCapsule()}>Export capsule</Button>
    </Group>
  );
}
