import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { User } from '../../../../shared/api/auth.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/ChangePasswordView.tsx';

/** Admin reset: a temporary password the user replaces at next sign-in (their sessions end). */
export function ResetPasswordForm({ user, onDone }: { user: User; onDone: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [mustChange, setMustChange] = useState(true);
  const reset = useMutation({
    mutationFn: () => api.users.resetPassword({ params: { id: user.id }, body: { password, mustChangePassword: mustChange } }),
    onSuccess: () => {
      notifySuccess(`Password of ${user.username} reset`);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'users'] });
      onDone();
    },
    onError: (error) => notifyError('Could not reset the password', error),
  });
  const tooShort = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooShort) reset.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={`Reset the password of ${user.username}`}>
      <Stack>
        <Text size="sm">Give {user.username} the new password through a separate channel.</Text>
        <PasswordInput label="Temporary password" required data-autofocus value={password} error={tooShort ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined} onChange={(e) => setPassword(e.currentTarget.value)} />
        <Checkbox label="Ask for a new password at next sign-in" checked={mustChange} onChange={(e) => setMustChange(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" color="red" loading={reset.isPending}>Reset password</Button>
        </Group>
      </Stack>
    </form>
  );
}
