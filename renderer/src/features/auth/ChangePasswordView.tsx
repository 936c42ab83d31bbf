import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../../session/SessionProvider.tsx';
import { ChangePasswordForm, MIN_PASSWORD_LENGTH } from './ChangePasswordForm.tsx';

export { MIN_PASSWORD_LENGTH } from './ChangePasswordForm.tsx';

/** First run (or after an admin reset): the user must choose their own password. */
export function ChangePasswordView() {
  const { signOut } = useSession();
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="md" p="xl" radius="md" w={420}>
        <Stack gap="md">
          <Title order={1} size="h3">Choose your password</Title>
          <Text size="sm" c="dimmed">
            Your account uses a one-time password. Pick your own before continuing: at least {MIN_PASSWORD_LENGTH} characters.
          </Text>
          <ChangePasswordForm submitLabel="Save and continue">
            <Button variant="subtle" color="gray" onClick={() => void signOut()}>Sign out</Button>
          </ChangePasswordForm>
        </Stack>
      </Paper>
    </Center>
  );
}
