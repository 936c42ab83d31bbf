import { Button, Group, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { SEVERITIES, type Webhook, type WebhookInput } from '../../../../../shared/api/alerts.ts';

const FORMATS = [
  { value: 'slack', label: 'Slack (incoming webhook; also Mattermost, Rocket.Chat)' },
  { value: 'json', label: 'JSON (SmartCloudOps alert document)' },
];

/** Create or edit an outbound webhook. The URL can carry a secret: it is shown to admins only. */
export function WebhookForm({ current, busy, onSubmit, onCancel }: { current?: Webhook; busy: boolean; onSubmit: (input: WebhookInput) => void; onCancel: () => void }) {
  const [name, setName] = useState(current?.name ?? '');
  const [url, setUrl] = useState(current?.url ?? '');
  const [format, setFormat] = useState<WebhookInput['format']>(current?.format ?? 'slack');
  const [minSeverity, setMinSeverity] = useState<WebhookInput['minSeverity']>(current?.minSeverity ?? 'warning');
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const urlError = url !== '' && !/^https?:\/\/\S+$/.test(url) ? 'An http(s) address' : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (urlError || !name.trim()) return;
    onSubmit({ name: name.trim(), url: url.trim(), format, minSeverity, enabled });
  };
  return (
    <form onSubmit={submit} aria-label="Webhook">
      <Stack gap="sm">
        <TextInput label="Name" required data-autofocus placeholder="ops-slack" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label="URL" required placeholder="https://hooks.slack.com/services/…" value={url} error={urlError} onChange={(e) => setUrl(e.currentTarget.value)} />
        <Select label="Format" data={FORMATS} value={format ?? 'slack'} allowDeselect={false} onChange={(value) => value && setFormat(value as WebhookInput['format'])} />
        <Select label="Send alerts of at least" data={[...SEVERITIES]} value={minSeverity ?? 'warning'} allowDeselect={false} onChange={(value) => value && setMinSeverity(value as WebhookInput['minSeverity'])} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>Cancel</Button>
          <Button type="submit" loading={busy}>{current ? 'Save webhook' : 'Create webhook'}</Button>
        </Group>
      </Stack>
    </form>
  );
}
