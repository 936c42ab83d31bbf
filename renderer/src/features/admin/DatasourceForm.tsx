import { useState } from 'react';
import { Button, Checkbox, Group, NumberInput, PasswordInput, SegmentedControl, Stack, TextInput } from '@mantine/core';
import type { CreateDatasourceRequest, Datasource, DatasourceAuthInput } from '../../../../shared/api/datasources.ts';

type AuthKind = 'none' | 'basic' | 'bearer';

/** What the form submits: a definition whose `auth` may be null (remove the credentials). */
export type DatasourceFormValue = Omit<CreateDatasourceRequest, 'auth'> & { auth?: DatasourceAuthInput | null };

export interface DatasourceFormProps {
  /** Editing this source; absent: a new one. */
  current?: Datasource;
  busy: boolean;
  onSubmit: (body: DatasourceFormValue) => void;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/**
 * A data source's definition. Secrets are write-only: when editing, an empty password or
 * token field keeps the stored one (the server never sends it back), unless the URL now
 * names another server, which must be given the secret again.
 */
export function DatasourceForm({ current, busy, onSubmit }: DatasourceFormProps) {
  const [name, setName] = useState(current?.name ?? '');
  const [url, setUrl] = useState(current?.url ?? 'http://127.0.0.1:9090');
  const [authKind, setAuthKind] = useState<AuthKind>(current?.auth?.type ?? 'none');
  const [username, setUsername] = useState(current?.auth?.type === 'basic' ? current.auth.username : '');
  const [secret, setSecret] = useState('');
  const [tlsSkipVerify, setTlsSkipVerify] = useState(current?.tlsSkipVerify ?? false);
  const [timeoutSeconds, setTimeoutSeconds] = useState<number | string>(current?.timeoutSeconds ?? 30);
  const [scrapeIntervalSeconds, setScrapeIntervalSeconds] = useState<number | string>(current?.scrapeIntervalSeconds ?? 15);
  // The server keeps a stored secret only for the same origin (a new host, port or scheme needs it again).
  const storedSecret = current?.auth?.type === authKind;
  const keepsSecret = storedSecret && sameOrigin(current!.url, url);

  const auth = (): DatasourceAuthInput | null => {
    if (authKind === 'basic') return { type: 'basic', username, ...(secret ? { password: secret } : {}) };
    if (authKind === 'bearer') return { type: 'bearer', ...(secret ? { token: secret } : {}) };
    return null;
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const chosen = auth();
        onSubmit({
          name,
          type: 'prometheus',
          url,
          tlsSkipVerify,
          timeoutSeconds: Number(timeoutSeconds),
          scrapeIntervalSeconds: Number(scrapeIntervalSeconds),
          ...(chosen ? { auth: chosen } : current?.auth ? { auth: null } : {}),
        });
      }}
    >
      <Stack gap="sm">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <TextInput label="URL" description="The Prometheus (Thanos, Mimir, VictoriaMetrics) base URL, without /api/v1" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
        <SegmentedControl value={authKind} onChange={(value) => setAuthKind(value as AuthKind)} data={[{ value: 'none', label: 'No auth' }, { value: 'basic', label: 'Basic' }, { value: 'bearer', label: 'Bearer token' }]} />
        {authKind === 'basic' && <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} />}
        {authKind !== 'none' && (
          <PasswordInput
            label={authKind === 'basic' ? 'Password' : 'Token'}
            required={!keepsSecret}
            placeholder={keepsSecret ? 'Unchanged (stored encrypted, never shown)' : ''}
            description={storedSecret && !keepsSecret ? 'The URL now names another server: give its secret again (the stored one only goes to the server it was given for).' : undefined}
            value={secret}
            onChange={(e) => setSecret(e.currentTarget.value)}
            autoComplete="new-password"
          />
        )}
        <Group grow>
          <NumberInput label="Timeout (s)" min={1} max={300} value={timeoutSeconds} onChange={setTimeoutSeconds} />
          <NumberInput label="Scrape interval (s)" description="The smallest step charts ask for" min={1} max={86400} value={scrapeIntervalSeconds} onChange={setScrapeIntervalSeconds} />
        </Group>
        <Checkbox label="Skip TLS verification (trusted self-signed servers only)" checked={tlsSkipVerify} onChange={(e) => setTlsSkipVerify(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>{current ? 'Save' : 'Add data source'}</Button>
        </Group>
      </Stack>
    </form>
  );
}
