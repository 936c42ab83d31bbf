import { Paper, SimpleGrid, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import { connectionQueries } from './queries.ts';
import { ConnectionForm } from './ConnectionForm.tsx';
import { ProfileList } from './ProfileList.tsx';
import { useConnectionActions } from './useConnectionActions.tsx';

export function ConnectionsView() {
  const { bridge } = usePlatform();
  if (!bridge) return <EmptyState title="Desktop only" description="The web console always uses the server that served it." />;
  return <Connections bridge={bridge} />;
}

function Connections({ bridge }: { bridge: SmartCloudOpsBridge }) {
  const connections = useQuery(connectionQueries.list(bridge));
  const actions = useConnectionActions(bridge);
  return (
    <>
      <PageHeader title="Server connections" description="Each server keeps its own credentials in the OS keychain." />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <QueryState query={connections} isEmpty={(data) => data.profiles.length === 0} empty={{ title: 'No servers yet' }}>
          {(data) => <ProfileList list={data} onSelect={(profile) => void actions.select(profile)} onRemove={actions.remove} />}
        </QueryState>
        <Paper withBorder p="md" radius="md">
          <Title order={2} size="h5" mb="sm">Add a server</Title>
          <ConnectionForm bridge={bridge} onSaved={() => void actions.refresh()} />
        </Paper>
      </SimpleGrid>
    </>
  );
}
