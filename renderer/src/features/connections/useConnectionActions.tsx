import { useQueryClient } from '@tanstack/react-query';
import { modals } from '@mantine/modals';
import { Text } from '@mantine/core';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { ConnectionProfile } from '../../../../shared/ipc/channels/connections.ts';
import { unwrap } from '../../platform/ipc-result.ts';
import { sessionFromAuthStatus } from '../../platform/desktop-platform.ts';
import { useSession } from '../../session/SessionProvider.tsx';
import { notifyError } from '../../components/notify.ts';

export function useConnectionActions(bridge: SmartCloudOpsBridge) {
  const queryClient = useQueryClient();
  const { setSession } = useSession();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['desktop', 'connections'] });
  return {
    refresh,
    /** Selecting resumes the profile's stored session when it has one; data of the previous server is dropped. */
    async select(profile: ConnectionProfile) {
      try {
        const status = await unwrap(bridge.connections.select({ id: profile.id }));
        queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'desktop' });
        await refresh();
        setSession(sessionFromAuthStatus(status));
      } catch (error) {
        notifyError(`Could not switch to ${profile.name}`, error);
      }
    },
    remove(profile: ConnectionProfile) {
      modals.openConfirmModal({
        title: `Remove ${profile.name}?`,
        children: <Text size="sm">Its stored credentials are deleted from the keychain.</Text>,
        labels: { confirm: 'Remove', cancel: 'Cancel' },
        confirmProps: { color: 'red' },
        onConfirm: () => void unwrap(bridge.connections.remove({ id: profile.id })).then(refresh, (error: unknown) => notifyError('Could not remove it', error)),
      });
    },
  };
}
