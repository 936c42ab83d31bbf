import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, PasswordInput, Stack } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { FormError } from '../../components/FormError.tsx';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { useSession } from '../../session/SessionProvider.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import type { AppError } from '../../../../shared/errors.ts';

/** The server's rule (12..1024 characters); checked here first for a faster answer. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Current password, new one twice. The server answers a fresh session (its other sessions
 * are signed out), which replaces this one. Used on first run and from the account menu.
 */
export function ChangePasswordForm({ submitLabel, onChanged, children }: { submitLabel: string; onChanged?: () => void; children?: ReactNode }) {
  const platform = usePlatform();
  const { setSession } = useSession();
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
      onChanged?.();
    } catch (caught) {
      setError(toAppError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Change password">
      <Stack gap="md">
        <FormError error={error} />
        <PasswordInput label="Current password" autoComplete="current-password" required data-autofocus value={current} onChange={(e) => setCurrent(e.currentTarget.value)} />
        <PasswordInput
          label="New password"
          description={`At least ${MIN_PASSWORD_LENGTH} characters`}
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
        <Button type="submit" loading={busy} leftSection={<IconKey size={16} />}>{submitLabel}</Button>
        {children}
      </Stack>
    </form>
  );
}
