import { Button } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { unwrap } from '../../platform/ipc-result.ts';
import { navigate } from '../../lib/router.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';

/**
 * Desktop only: open an incident capsule someone shared, then show it: the imported
 * incident opens in the capsule view (read from the capsules cache, no server needed).
 */
export function ImportCapsuleButton() {
  const { bridge } = usePlatform();
  if (!bridge) return null;
  const importCapsule = async () => {
    try {
      const imported = await unwrap(bridge.cache.importCapsule());
      if (!imported) return;
      notifySuccess(`Imported incident #${imported.incidentId} "${imported.title}" (${imported.series} series${imported.sourceRanges > 0 ? `, ${imported.sourceRanges} source ${imported.sourceRanges === 1 ? 'query' : 'queries'}` : ''})`);
      navigate(`/capsules/${imported.incidentId}`);
    } catch (error) {
      notifyError('Could not import the capsule', error);
    }
  };
  return <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => void importCapsule()}>Import capsule</Button>;
}
