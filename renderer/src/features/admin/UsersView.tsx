import { Button, Modal, Select, Switch, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconUserPlus } from '@tabler/icons-react';
import { ROLES, type Role } from '../../../../shared/auth/permissions.ts';
import type { User } from '../../../../shared/api/auth.ts';
import type { UpdateUserRequest, UserLockout } from '../../../../shared/api/users.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCurrentUser } from '../../session/SessionProvider.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AdminTable } from '../../components/admin/AdminTable.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { formatDateTime, formatTime } from '../../lib/format.ts';
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
  const lockouts = useQuery(adminQueries.userLockouts(api));
  const locksOf = (user: User) => lockouts.data?.lockouts.filter((lock) => lock.userId === user.id) ?? [];
  const unlock = useMutation({
    mutationFn: (user: User) => api.userLockouts.clear({ params: { id: user.id } }),
    onSuccess: (_cleared, user) => {
      notifySuccess(`${user.username} can sign in again`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'user-lockouts'] });
    },
    onError: (error) => notifyError('Could not lift the lock', error),
  });
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
      <AdminTable
        query={users}
        rows={(data) => data.users}
        rowKey={(user) => user.id}
        rowLabel={(user) => user.username}
        label="Users"
        empty={{ title: 'No users yet' }}
        columns={[
          {
            header: 'Username',
            cell: (user) => (
              <>
                <Text size="sm" fw={500}>{user.username}</Text>
                <SignInNotes user={user} locks={locksOf(user)} />
              </>
            ),
            inCard: false,
          },
          // The card is named by the username, so its notes get a line of their own there.
          { header: 'Sign-in', cell: (user) => <SignInNotes user={user} locks={locksOf(user)} fallback={<Text size="sm">allowed</Text>} />, inTable: false },
          {
            header: 'Role',
            cell: (user) => (
              <Select
                aria-label={`Role of ${user.username}`}
                size="xs"
                w={140}
                data={[...ROLES]}
                value={user.role}
                allowDeselect={false}
                disabled={user.id === me?.id}
                onChange={(role) => role && role !== user.role && update.mutate({ user, changes: { role: role as Role } })}
              />
            ),
          },
          {
            header: 'Enabled',
            cell: (user) => (
              <Switch
                aria-label={`${user.username} enabled`}
                checked={!user.disabled}
                disabled={user.id === me?.id}
                onChange={(e) => update.mutate({ user, changes: { disabled: !e.currentTarget.checked } })}
              />
            ),
          },
          { header: 'Created', cell: (user) => <Text size="sm" c="dimmed">{formatDateTime(user.createdAt)}</Text> },
        ]}
        actions={(user) => (
          <>
            {locksOf(user).length > 0 && (
              <Button size="xs" variant="light" color="red" loading={unlock.isPending && unlock.variables.id === user.id} onClick={() => unlock.mutate(user)} aria-label={`Let ${user.username} sign in again`}>
                Unlock
              </Button>
            )}
            {user.id !== me?.id && (
              <Button size="xs" variant="subtle" onClick={() => setResetting(user)} aria-label={`Reset password of ${user.username}`}>
                Reset password
              </Button>
            )}
          </>
        )}
      />
      <Modal opened={resetting !== null} onClose={() => setResetting(null)} title="Reset password">
        {resetting && <ResetPasswordForm user={resetting} onDone={() => setResetting(null)} />}
      </Modal>
      <Modal opened={creating} onClose={createModal.close} title="New user">
        <CreateUserForm onDone={createModal.close} />
      </Modal>
    </>
  );
}

/** What stands between the user and signing in: a password to choose, a lock; `fallback` when nothing. */
function SignInNotes({ user, locks, fallback = null }: { user: User; locks: UserLockout[]; fallback?: ReactNode }) {
  if (!user.mustChangePassword && locks.length === 0) return fallback;
  return (
    <>
      {user.mustChangePassword && <Text size="xs" c="dimmed">must choose a password</Text>}
      <LockoutNote locks={locks} />
    </>
  );
}

/** Why a user cannot sign in now: too many wrong passwords, from strangers' addresses or a known one. */
function LockoutNote({ locks }: { locks: UserLockout[] }) {
  if (locks.length === 0) return null;
  const until = Math.max(...locks.map((lock) => lock.lockedUntil));
  const where = locks.map((lock) => (lock.address === null ? 'new addresses' : lock.address)).join(', ');
  return (
    <Text size="xs" c="red">
      Locked out until {formatTime(until)} after wrong passwords ({where})
    </Text>
  );
}
