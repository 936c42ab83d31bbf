import { useQuery } from '@tanstack/react-query';
import { Text } from '@mantine/core';
import { useApi } from '../../platform/PlatformContext.tsx';

/** The connected server's release, in the web console and the desktop app alike. */
export function ServerVersion() {
  const api = useApi();
  const version = useQuery({ queryKey: ['server', 'version'], queryFn: () => api.server.version(), staleTime: 5 * 60_000 });
  if (!version.data) return null;
  return <Text size="sm">Server version {version.data.version} (Node.js {version.data.node})</Text>;
}
