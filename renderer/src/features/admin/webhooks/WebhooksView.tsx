import { Badge, Button, Code, Drawer, Modal, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useQuery } from '@tanstack/react-query';
import { IconPlus, IconWebhook } from '@tabler/icons-react';
import { useState } from 'react';
import type { Webhook, WebhookInput } from '../../../../../shared/api/alerts.ts';
import type { WebhookTestResult } from '../../../../../shared/api/notifications.ts';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useDrawerSize } from '../../../components/useDrawerSize.ts';
import { AdminTable } from '../../../components/admin/AdminTable.tsx';
import { useAdminAction } from '../../../components/admin/useAdminAction.ts';
import { formatTime } from '../../../lib/format.ts';
import { SeverityBadge } from '../../alerts/SeverityBadge.tsx';
import { adminQueries } from '../queries.ts';
import { WebhookForm } from './WebhookForm.tsx';
import { DeliveryLog } from './DeliveryLog.tsx';

type Editing = { mode: 'create' } | { mode: 'edit'; hook: Webhook } | null;
const INVALIDATES = [['admin', 'webhooks']] as const;

/** The query string of a URL can hold a token: the list shows the host and path only. */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname.length > 24 ? `${parsed.pathname.slice(0, 24)}…` : parsed.pathname;
    return `${parsed.host}${path}`;
  } catch {
    return url;
  }
}

function TestResultBadge({ result }: { result: WebhookTestResult | undefined }) {
  if (!result) return <Text size="xs" c="dimmed">not tried</Text>;
  if (result.ok) return <Badge color="teal" variant="light" data-testid="webhook-test-result">sent · HTTP {result.statusCode} · {formatTime(result.sentAt)}</Badge>;
  return (
    <Tooltip label={result.error} multiline w={320}>
      <Badge color="red" variant="light" data-testid="webhook-test-result">failed{result.statusCode !== null ? ` · HTTP ${result.statusCode}` : ''}</Badge>
    </Tooltip>
  );
}

/** Outbound webhooks and Slack: create, edit, test-send, read the delivery log, delete. */
export function WebhooksView() {
  const api = useApi();
  const drawerSize = useDrawerSize('xl');
  const hooks = useQuery(adminQueries.webhooks(api));
  const [editing, setEditing] = useState<Editing>(null);
  const [log, setLog] = useState<Webhook | null>(null);
  const [results, setResults] = useState<Record<number, WebhookTestResult>>({});
  const save = useAdminAction({
    run: (input: WebhookInput) => (editing?.mode === 'edit' ? api.webhooks.replace({ params: { id: editing.hook.id }, body: input }) : api.webhooks.create({ body: input })),
    invalidates: INVALIDATES,
    success: (hook) => `Webhook ${hook.name} saved`,
    failure: 'Could not save the webhook',
    onDone: () => setEditing(null),
  });
  const test = useAdminAction({
    run: (hook: Webhook) => api.webhooks.test({ params: { id: hook.id } }),
    invalidates: [],
    success: null,
    failure: 'Could not send the test',
    onDone: (result, hook) => setResults((all) => ({ ...all, [hook.id]: result })),
  });
  const remove = useAdminAction({
    run: (hook: Webhook) => api.webhooks.remove({ params: { id: hook.id } }),
    invalidates: INVALIDATES,
    success: (_out, hook) => `Webhook ${hook.name} deleted`,
    failure: 'Could not delete the webhook',
  });
  const confirmRemove = (hook: Webhook) =>
    modals.openConfirmModal({
      title: `Delete ${hook.name}?`,
      children: <Text size="sm">Its pending deliveries are dropped with it.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(hook),
    });

  return (
    <>
      <PageHeader
        title="Webhooks and Slack"
        description="Where firing and resolved alerts are sent. Failed deliveries are retried with backoff."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'create' })}>New webhook</Button>}
      />
      <AdminTable
        query={hooks}
        rows={(data) => data}
        rowKey={(hook) => hook.id}
        rowLabel={(hook) => hook.name}
        label="Webhooks"
        empty={{ title: 'No webhooks', description: 'Add a Slack incoming webhook or any HTTP endpoint to hear about alerts outside the console.', icon: <IconWebhook size={24} /> }}
        columns={[
          { header: 'Name', cell: (hook) => <Text size="sm" fw={500}>{hook.name}</Text>, inCard: false },
          { header: 'Destination', cell: (hook) => <Code>{shortUrl(hook.url)}</Code> },
          { header: 'Format', cell: (hook) => <Badge variant="outline" color="gray">{hook.format}</Badge> },
          { header: 'From', cell: (hook) => <SeverityBadge severity={hook.minSeverity} /> },
          { header: 'State', cell: (hook) => (hook.enabled ? <Badge variant="light" color="teal">on</Badge> : <Badge variant="light" color="gray">off</Badge>) },
          { header: 'Last test', cell: (hook) => <TestResultBadge result={results[hook.id]} /> },
        ]}
        actions={(hook) => (
          <>
            <Button size="xs" variant="subtle" loading={test.isPending && test.variables?.id === hook.id} onClick={() => test.mutate(hook)} aria-label={`Send a test to ${hook.name}`}>Test</Button>
            <Button size="xs" variant="subtle" onClick={() => setLog(hook)} aria-label={`Delivery log of ${hook.name}`}>Log</Button>
            <Button size="xs" variant="subtle" onClick={() => setEditing({ mode: 'edit', hook })} aria-label={`Edit ${hook.name}`}>Edit</Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => confirmRemove(hook)} aria-label={`Delete ${hook.name}`}>Delete</Button>
          </>
        )}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? `Edit ${editing.hook.name}` : 'New webhook'} size="lg">
        {editing && <WebhookForm {...(editing.mode === 'edit' ? { current: editing.hook } : {})} busy={save.isPending} onSubmit={(input) => save.mutate(input)} onCancel={() => setEditing(null)} />}
      </Modal>
      <Drawer opened={log !== null} onClose={() => setLog(null)} position="right" size={drawerSize} title={log ? `Delivery log · ${log.name}` : ''}>
        {log && <DeliveryLog webhookId={log.id} />}
      </Drawer>
    </>
  );
}
