import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { ROLES, roleAtLeast, type Role } from '../../../../shared/auth/permissions.ts';
import type { CreatedApiKey } from '../../../../shared/api/api-keys.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCurrentUser } from '../../session/SessionProvider.tsx';
import { notifyError } from '../../components/notify.ts';

/** Only admins may create keys that never expire; the server refuses the rest too. */
const NEVER = { value: '', label: 'Never (admins only)' };
const EXPIRY = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
];

/** Creates a key and shows its secret exactly once: the server keeps only a hash. */
export function CreateApiKeyForm({ onDone }: { onDone: () => void }) {
  const api = useApi();
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  // The least privilege by default: a key gets more only when someone asks for it.
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const create = useMutation({
    mutationFn: () => api.apiKeys.create({ body: { name: name.trim(), role, ...(days ? { expiresAt: Date.now() + Number(days) * 86_400_000 } : {}) } }),
    onSuccess: (result) => {
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: ['admin', 'api-keys'] });
    },
    onError: (error) => notifyError('Could not create the key', error),
  });

  if (created) {
    return (
      <Stack>
        <Alert color="yellow" variant="light" title="Copy the secret now">
          It is shown once. Store it in your secret manager; if lost, revoke the key and create another.
        </Alert>
        <Code block data-testid="api-key-secret">{created.secret}</Code>
        <Group justify="space-between">
          <CopyButton value={created.secret}>
            {({ copied, copy }) => (
              <Button variant="light" color={copied ? 'teal' : 'signal'} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                {copied ? 'Copied' : 'Copy secret'}
              </Button>
            )}
          </CopyButton>
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }

  const roles = ROLES.filter((candidate) => me && roleAtLeast(me.role, candidate));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New API key">
      <Stack>
        <TextInput label="Name" required data-autofocus placeholder="grafana-prod" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label="Role" description="Viewer unless the script needs more; at most your own role" data={roles} value={role} allowDeselect={false} onChange={(value) => value && setRole(value as Role)} />
        <Select
          label="Expires"
          description={me?.role === 'admin' ? 'A key that never expires suits an integration you rotate by hand' : 'Your keys must expire'}
          data={me?.role === 'admin' ? [...EXPIRY, NEVER] : EXPIRY}
          value={days}
          allowDeselect={false}
          onChange={(value) => setDays(value ?? '30')}
        />
        <Text size="xs" c="dimmed">Scripts send it as <Code>Authorization: Bearer sco_…</Code></Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>Cancel</Button>
          <Button type="submit" loading={create.isPending}>Create key</Button>
        </Group>
      </Stack>
    </form>
  );
}
