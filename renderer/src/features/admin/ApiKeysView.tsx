import { Badge, Button, Code, Modal, Paper, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconKey, IconPlus } from '@tabler/icons-react';
import type { ApiKey } from '../../../../shared/api/api-keys.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { RoleBadge } from '../../components/RoleBadge.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { adminQueries } from './queries.ts';
import { CreateApiKeyForm } from './CreateApiKeyForm.tsx';

function keyState(key: ApiKey, now: number): { label: string; color: string } {
  if (key.revokedAt) return { label: 'revoked', color: 'gray' };
  if (key.expiresAt !== null && key.expiresAt <= now) return { label: 'expired', color: 'gray' };
  return { label: 'active', color: 'teal' };
}

export function ApiKeysView() {
  const api = useApi();
  const queryClient = useQueryClient();
  const keys = useQuery(adminQueries.apiKeys(api));
  const [creating, createModal] = useDisclosure(false);
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api.apiKeys.revoke({ params: { id: key.id } }),
    onSuccess: (key) => {
      notifySuccess(`Key ${key.name} revoked`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'api-keys'] });
    },
    onError: (error) => notifyError('Could not revoke the key', error),
  });
  const confirmRevoke = (key: ApiKey) =>
    modals.openConfirmModal({
      title: `Revoke ${key.name}?`,
      children: <Text size="sm">Scripts using it stop working at once. This cannot be undone.</Text>,
      labels: { confirm: 'Revoke', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(key),
    });
  const now = Date.now();

  return (
    <>
      <PageHeader
        title="API keys"
        description="For scripts and integrations. A key acts for its owner, with a role no higher than theirs."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>New API key</Button>}
      />
      <Paper withBorder radius="md">
        <QueryState
          query={keys}
          isEmpty={(data) => data.keys.length === 0}
          empty={{ title: 'No API keys', description: 'Create one for a script or an integration such as Grafana.', icon: <IconKey size={24} /> }}
        >
          {(data) => (
            <Table highlightOnHover verticalSpacing="xs" aria-label="API keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.keys.map((key) => {
                  const state = keyState(key, now);
                  return (
                    <Table.Tr key={key.id}>
                      <Table.Td fw={500}>{key.name}</Table.Td>
                      <Table.Td><Code>{key.prefix}…</Code></Table.Td>
                      <Table.Td>{key.ownerUsername}</Table.Td>
                      <Table.Td><RoleBadge role={key.role} /></Table.Td>
                      <Table.Td><Badge color={state.color} variant="light">{state.label}</Badge></Table.Td>
                      <Table.Td><Text size="sm" c="dimmed">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never'}</Text></Table.Td>
                      <Table.Td><Text size="sm" c="dimmed">{key.expiresAt ? formatDateTime(key.expiresAt) : 'never'}</Text></Table.Td>
                      <Table.Td ta="right">
                        {state.label === 'active' && (
                          <Button size="xs" variant="subtle" color="red" onClick={() => confirmRevoke(key)} aria-label={`Revoke ${key.name}`}>
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
      </Paper>
      <Modal opened={creating} onClose={createModal.close} title="New API key">
        <CreateApiKeyForm onDone={createModal.close} />
      </Modal>
    </>
  );
}
