import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ROLES, type Role } from '../../../../shared/auth/permissions.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/ChangePasswordView.tsx';

export function CreateUserForm({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [mustChange, setMustChange] = useState(true);
  const create = useMutation({
    mutationFn: () => api.users.create({ body: { username: username.trim(), password, role, mustChangePassword: mustChange } }),
    onSuccess: (user) => {
      notifySuccess(`User ${user.username} created`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      onDone();
    },
    onError: (error) => notifyError('Could not create the user', error),
  });
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooShort) create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New user">
      <Stack>
        <TextInput label="Username" required data-autofocus value={username} onChange={(e) => setUsername(e.currentTarget.value)} description="Letters, digits and . _ @ -" />
        <PasswordInput
          label="Initial password"
          required
          value={password}
          error={tooShort ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <Select label="Role" data={[...ROLES]} value={role} allowDeselect={false} onChange={(value) => value && setRole(value as Role)} />
        <Checkbox label="Ask for a new password at first sign-in" checked={mustChange} onChange={(e) => setMustChange(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={create.isPending}>Create user</Button>
        </Group>
      </Stack>
    </form>
  );
}
