import { useEffect } from 'react';
import { usePlatform } from '../platform/PlatformContext.tsx';
import { navigate } from '../lib/router.ts';

/** Desktop: `smartcloudops://incident/<id>` links and notification clicks open the right view. */
export function useDeepLinks(): void {
  const { bridge } = usePlatform();
  useEffect(() => {
    if (!bridge) return undefined;
    return bridge.app.onNavigate((target) => navigate(target.kind === 'incident' ? `/incidents/${encodeURIComponent(target.incidentId)}` : target.kind === 'approvals' ? '/approvals' : '/alerts'));
  }, [bridge]);
}
