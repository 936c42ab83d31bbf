import { useEffect } from 'react';
import { usePlatform } from '../platform/PlatformContext.tsx';
import { navigate } from '../lib/router.ts';
import type { NavigationTarget } from '../../../shared/ipc/channels/app.ts';
import { acknowledgeLink } from '../features/alerts/use-acknowledge-link.ts';

/** The console route a navigation target opens. */
export function pathOf(target: NavigationTarget): string {
  if (target.kind === 'incident') return `/incidents/${encodeURIComponent(target.incidentId)}`;
  if (target.kind === 'acknowledge') return acknowledgeLink(target.alertId);
  if (target.kind === 'capsules') return '/capsules';
  return target.kind === 'approvals' ? '/approvals' : '/alerts';
}

/** Desktop: `smartcloudops://incident/<id>` links and notification clicks open the right view (a critical alert's: its acknowledge form). */
export function useDeepLinks(): void {
  const { bridge } = usePlatform();
  useEffect(() => {
    if (!bridge) return undefined;
    return bridge.app.onNavigate((target) => navigate(pathOf(target)));
  }, [bridge]);
}
