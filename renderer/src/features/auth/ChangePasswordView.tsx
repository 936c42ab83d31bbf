import { useState, type FormEvent } from 'react';
import { Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { FormError } from '../../components/FormError.tsx';
import { IconKey } from '@tabler/icons-react';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { useSession } from '../../session/SessionProvider.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import type { AppError } from '../../../../shared/errors.ts';

/** The server's rule (12..1024 characters); checked here first for a faster answer. */
export const MIN_PASSWORD_LENGTH = 12;

/** First run (or after an admin reset): the user must choose their own password. */
export function ChangePasswordView() {
  const platform = usePlatform();
  const { setSession, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const tooShort = next.length > 0 && next.length < MIN_PASSWORD_LENGTH;
  const mismatch = confirm.length > 0 && confirm !== next;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (tooShort || mismatch) return;
    setBusy(true);
    setError(null);
    try {
      setSession(await platform.changePassword(current, next));
    } catch (caught) {
      setError(toAppError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="md" p="xl" radius="md" w={420}>
        <form onSubmit={submit} aria-label="Choose a new password">
          <Stack gap="md">
            <Title order={1} size="h3">Choose your password</Title>
            <Text size="sm" c="dimmed">
              Your account uses a one-time password. Pick your own before continuing: at least {MIN_PASSWORD_LENGTH} characters.
            </Text>
            <FormError error={error} />
            <PasswordInput label="Current password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
            <PasswordInput
              label="New password"
              autoComplete="new-password"
              required
              value={next}
              error={tooShort ? `At least ${MIN_PASSWORD_LENGTH} characters` : undefined}
              onChange={(e) => setNext(e.currentTarget.value)}
            />
            <PasswordInput
              label="Repeat new password"
              autoComplete="new-password"
              required
              value={confirm}
              error={mismatch ? 'The passwords differ' : undefined}
              onChange={(e) => setConfirm(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} leftSection={<IconKey size={16} />}>Save and continue</Button>
            <Button variant="subtle" color="gray" onClick={() => void signOut()}>Sign out</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
