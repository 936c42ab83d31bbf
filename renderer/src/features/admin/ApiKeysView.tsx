import { Badge, Button, Code, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconKey, IconPlus } from '@tabler/icons-react';
import type { ApiKey } from '../../../../shared/api/api-keys.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AdminTable } from '../../components/admin/AdminTable.tsx';
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
      <AdminTable
        query={keys}
        rows={(data) => data.keys}
        rowKey={(key) => key.id}
        rowLabel={(key) => key.name}
        label="API keys"
        empty={{ title: 'No API keys', description: 'Create one for a script or an integration such as Grafana.', icon: <IconKey size={24} /> }}
        columns={[
          { header: 'Name', cell: (key) => <Text size="sm" fw={500}>{key.name}</Text>, inCard: false },
          { header: 'Key', cell: (key) => <Code>{key.prefix}…</Code> },
          { header: 'Owner', cell: (key) => <Text size="sm">{key.ownerUsername}</Text> },
          { header: 'Role', cell: (key) => <RoleBadge role={key.role} /> },
          { header: 'State', cell: (key) => { const state = keyState(key, now); return <Badge color={state.color} variant="light">{state.label}</Badge>; } },
          { header: 'Last used', cell: (key) => <Text size="sm" c="dimmed">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never'}</Text> },
          { header: 'Expires', cell: (key) => <Text size="sm" c="dimmed">{key.expiresAt ? formatDateTime(key.expiresAt) : 'never'}</Text> },
        ]}
        actions={(key) => keyState(key, now).label === 'active' && (
          <Button size="xs" variant="subtle" color="red" onClick={() => confirmRevoke(key)} aria-label={`Revoke ${key.name}`}>
            Revoke
          </Button>
        )}
      />
      <Modal opened={creating} onClose={createModal.close} title="New API key">
        <CreateApiKeyForm onDone={createModal.close} />
      </Modal>
    </>
  );
}
