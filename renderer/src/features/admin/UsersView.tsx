import { Button, Modal, Paper, Select, Switch, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconUserPlus } from '@tabler/icons-react';
import { ROLES, type Role } from '../../../../shared/auth/permissions.ts';
import type { User } from '../../../../shared/api/auth.ts';
import type { UpdateUserRequest } from '../../../../shared/api/users.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCurrentUser } from '../../session/SessionProvider.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { formatDateTime } from '../../lib/format.ts';
import { adminQueries } from './queries.ts';
import { CreateUserForm } from './CreateUserForm.tsx';
import { ResetPasswordForm } from './ResetPasswordForm.tsx';

export function UsersView() {
  const api = useApi();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const users = useQuery(adminQueries.users(api));
  const [creating, createModal] = useDisclosure(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const update = useMutation({
    mutationFn: ({ user, changes }: { user: User; changes: UpdateUserRequest }) => api.users.update({ params: { id: user.id }, body: changes }),
    onSuccess: (user) => {
      notifySuccess(`${user.username} updated`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
    },
    onError: (error) => notifyError('Could not update the user', error),
  });

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, and what their role lets them do."
        actions={<Button leftSection={<IconUserPlus size={16} />} onClick={createModal.open}>New user</Button>}
      />
      <Paper withBorder radius="md">
        <QueryState query={users} isEmpty={(data) => data.users.length === 0} empty={{ title: 'No users yet' }}>
          {(data) => (
            <Table highlightOnHover verticalSpacing="xs" aria-label="Users">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Username</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.users.map((user) => {
                  const self = user.id === me?.id;
                  return (
                    <Table.Tr key={user.id}>
                      <Table.Td>
                        <Text fw={500}>{user.username}</Text>
                        {user.mustChangePassword && <Text size="xs" c="dimmed">must choose a password</Text>}
                      </Table.Td>
                      <Table.Td w={160}>
                        <Select
                          aria-label={`Role of ${user.username}`}
                          size="xs"
                          data={[...ROLES]}
                          value={user.role}
                          allowDeselect={false}
                          disabled={self}
                          onChange={(role) => role && role !== user.role && update.mutate({ user, changes: { role: role as Role } })}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Switch
                          aria-label={`${user.username} enabled`}
                          checked={!user.disabled}
                          disabled={self}
                          onChange={(e) => update.mutate({ user, changes: { disabled: !e.currentTarget.checked } })}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">{formatDateTime(user.createdAt)}</Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        {!self && (
                          <Button size="xs" variant="subtle" onClick={() => setResetting(user)} aria-label={`Reset password of ${user.username}`}>
                            Reset password
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
      <Modal opened={resetting !== null} onClose={() => setResetting(null)} title="Reset password">
        {resetting && <ResetPasswordForm user={resetting} onDone={() => setResetting(null)} />}
      </Modal>
      <Modal opened={creating} onClose={createModal.close} title="New user">
        <CreateUserForm onDone={createModal.close} />
      </Modal>
    </>
  );
}
