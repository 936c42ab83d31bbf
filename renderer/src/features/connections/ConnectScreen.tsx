import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { useSession } from '../../session/SessionProvider.tsx';
import { Logo } from '../../components/Logo.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { LoginView } from '../auth/LoginView.tsx';
import { connectionQueries } from './queries.ts';
import { ConnectionForm } from './ConnectionForm.tsx';
import { ProfileList } from './ProfileList.tsx';
import { useConnectionActions } from './useConnectionActions.tsx';

/**
 * Desktop start: choose (or add) a server profile, then sign in to it. The web console
 * never shows this: it always talks to the server that served it.
 */
export function ConnectScreen() {
  const { bridge } = usePlatform();
  const { session } = useSession();
  const [choosing, setChoosing] = useState(false);
  if (!bridge) return <LoginView />;
  return <DesktopConnect bridge={bridge} choosing={choosing || session.state === 'no-profile'} onChoose={setChoosing} />;
}

function DesktopConnect({ bridge, choosing, onChoose }: { bridge: NonNullable<ReturnType<typeof usePlatform>['bridge']>; choosing: boolean; onChoose: (value: boolean) => void }) {
  const connections = useQuery(connectionQueries.list(bridge));
  const actions = useConnectionActions(bridge);
  const active = connections.data?.profiles.find((profile) => profile.id === connections.data?.activeId);

  if (active && !choosing) {
    return <LoginView serverLabel={`${active.name} (${active.url})`} initialUsername={active.username ?? ''} onManageConnections={() => onChoose(true)} />;
  }
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="md" p="xl" radius="md" w={520}>
        <Stack>
          <Logo size="lg" />
          <Title order={1} size="h4">Connect to a server</Title>
          <QueryState query={connections} isEmpty={(data) => data.profiles.length === 0} empty={{ title: 'No servers yet', description: 'Add the address of your SmartCloudOps server below.' }}>
            {(data) => (
              <ProfileList
                list={data}
                onSelect={(profile) => void actions.select(profile).then(() => onChoose(false))}
                onRemove={actions.remove}
              />
            )}
          </QueryState>
          <Text fw={600} size="sm" mt="sm">Add a server</Text>
          <ConnectionForm bridge={bridge} onSaved={(profile) => void actions.refresh().then(() => actions.select(profile)).then(() => onChoose(false))} />
        </Stack>
      </Paper>
    </Center>
  );
}
