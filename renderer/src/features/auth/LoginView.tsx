import { useState, type FormEvent } from 'react';
import { Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { FormError } from '../../components/FormError.tsx';
import { IconLogin2 } from '@tabler/icons-react';
import { useSession } from '../../session/SessionProvider.tsx';
import { usePlatform } from '../../platform/PlatformContext.tsx';
import { toAppError } from '../../platform/to-app-error.ts';
import { Logo } from '../../components/Logo.tsx';
import type { AppError } from '../../../../shared/errors.ts';

export interface LoginViewProps {
  /** Desktop: name and URL of the selected server profile. */
  serverLabel?: string;
  onManageConnections?: () => void;
  initialUsername?: string;
}

export function LoginView({ serverLabel, onManageConnections, initialUsername = '' }: LoginViewProps) {
  const { signIn } = useSession();
  const platform = usePlatform();
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
    } catch (caught) {
      setError(toAppError(caught));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="md" p="xl" radius="md" w={380}>
        <form onSubmit={submit} aria-label="Sign in">
          <Stack gap="md">
            <Logo size="lg" />
            {/* The page's one heading, for screen readers' list of headings; it looks as it did. */}
            <Text component="h1" size="sm" fw={400} c="dimmed" m={0}>
              Sign in to {serverLabel ?? (platform.kind === 'web' ? window.location.host : 'your server')}
            </Text>
            <FormError error={error} />
            <TextInput label="Username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
            <PasswordInput label="Password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={busy} leftSection={<IconLogin2 size={16} />} fullWidth>
              Sign in
            </Button>
            {onManageConnections && (
              <Anchor component="button" type="button" size="sm" onClick={onManageConnections}>
                Choose another server
              </Anchor>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
