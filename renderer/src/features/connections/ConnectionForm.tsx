import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Stack, TextInput, Textarea } from '@mantine/core';
import { FormError } from '../../components/FormError.tsx';
import { IconPlugConnected } from '@tabler/icons-react';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { ConnectionProfile, ConnectionTestResult } from '../../../../shared/ipc/channels/connections.ts';
import { unwrap } from '../../platform/ipc-result.ts';
import { toAppError } from '../../platform/to-app-error.ts';
import type { AppError } from '../../../../shared/errors.ts';

/** Adds a server profile, after an optional "test connection". */
export function ConnectionForm({ bridge, onSaved }: { bridge: SmartCloudOpsBridge; onSaved: (profile: ConnectionProfile) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [ca, setCa] = useState('');
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const [tested, setTested] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const tls = ca.trim() ? { caCertificate: ca.trim() } : {};

  const run = async (what: 'test' | 'save') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'test') setTested(await unwrap(bridge.connections.test({ url: url.trim(), tls })));
      else onSaved(await unwrap(bridge.connections.add({ name: name.trim(), url: url.trim(), tls })));
    } catch (caught) {
      setTested(null);
      setError(toAppError(caught));
    } finally {
      setBusy(null);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('save');
  };

  return (
    <form onSubmit={submit} aria-label="New server connection">
      <Stack>
        <TextInput label="Name" required placeholder="Production" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="Server URL" required placeholder="https://ops.example.com" value={url} onChange={(e) => { setUrl(e.currentTarget.value); setTested(null); }} />
        <Textarea label="Extra trusted CA (PEM)" description="Only for a private CA or a self-signed server" autosize minRows={2} maxRows={6} value={ca} onChange={(e) => setCa(e.currentTarget.value)} />
        {tested && (
          <Alert color="teal" variant="light" title="Server reachable">
            SmartCloudOps {tested.serverVersion}, {tested.secure ? 'over TLS' : 'without TLS: use https outside a trusted network'}
          </Alert>
        )}
        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" leftSection={<IconPlugConnected size={16} />} loading={busy === 'test'} onClick={() => void run('test')}>Test connection</Button>
          <Button type="submit" loading={busy === 'save'}>Save</Button>
        </Group>
      </Stack>
    </form>
  );
}
