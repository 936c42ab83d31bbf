import { useState } from 'react';
import { Badge, Button, Code, Modal, Text, Tooltip } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDatabase, IconPlus } from '@tabler/icons-react';
import type { Datasource, DatasourceTestResult } from '../../../../shared/api/datasources.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AdminTable } from '../../components/admin/AdminTable.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { adminQueries } from './queries.ts';
import { DatasourceForm, type DatasourceFormValue } from './DatasourceForm.tsx';

type Editing = { mode: 'create' } | { mode: 'edit'; source: Datasource } | null;

function TestBadge({ result }: { result: DatasourceTestResult | undefined }) {
  if (!result) return null;
  if (result.ok) return <Badge color="teal" variant="light">OK{result.version ? ` · ${result.version}` : ''} · {result.latencyMs} ms</Badge>;
  return (
    <Tooltip label={result.error?.message} multiline w={360}>
      <Badge color="red" variant="light">{result.error?.kind}</Badge>
    </Tooltip>
  );
}

/** Admin view of the Prometheus-compatible data sources: list, add, edit, test, delete. */
export function DatasourcesView() {
  const api = useApi();
  const queryClient = useQueryClient();
  const sources = useQuery(adminQueries.datasources(api));
  const [editing, setEditing] = useState<Editing>(null);
  const [tests, setTests] = useState<Record<number, DatasourceTestResult>>({});
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['datasources'] });

  const save = useMutation({
    mutationFn: (body: DatasourceFormValue) => {
      if (editing?.mode === 'edit') {
        const { type: _type, ...patch } = body;
        return api.datasources.update({ params: { id: editing.source.id }, body: patch });
      }
      const { auth, ...rest } = body;
      return api.datasources.create({ body: auth ? { ...rest, auth } : rest });
    },
    onSuccess: (source) => {
      notifySuccess(`Data source ${source.name} saved`);
      setEditing(null);
      refresh();
    },
    onError: (error) => notifyError('Could not save the data source', error),
  });
  const test = useMutation({
    mutationFn: (source: Datasource) => api.datasources.test({ params: { id: source.id } }),
    onSuccess: (result, source) => setTests((all) => ({ ...all, [source.id]: result })),
    onError: (error) => notifyError('Could not test the data source', error),
  });
  const remove = useMutation({
    mutationFn: (source: Datasource) => api.datasources.remove({ params: { id: source.id } }),
    onSuccess: () => {
      notifySuccess('Data source deleted');
      refresh();
    },
    onError: (error) => notifyError('Could not delete the data source', error),
  });
  const confirmRemove = (source: Datasource) =>
    modals.openConfirmModal({
      title: `Delete ${source.name}?`,
      children: <Text size="sm">Its anomaly watches are deleted with it; rules on it report an error until changed.</Text>,
      labels: { confirm: 'Delete', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(source),
    });

  return (
    <>
      <PageHeader
        title="Data sources"
        description="Prometheus-compatible query APIs (Prometheus, Thanos, Mimir, VictoriaMetrics) for the metrics explorer, anomaly watches and rules."
        actions={<Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'create' })}>Add data source</Button>}
      />
      <AdminTable
        query={sources}
        rows={(data) => data.datasources}
        rowKey={(source) => source.id}
        rowLabel={(source) => source.name}
        label="Data sources"
        empty={{ title: 'No data sources', description: 'Add your Prometheus to chart its history and watch it for anomalies.', icon: <IconDatabase size={24} /> }}
        columns={[
          { header: 'Name', cell: (source) => <Text size="sm" fw={500}>{source.name}</Text>, inCard: false },
          { header: 'URL', cell: (source) => <><Code>{source.url}</Code>{source.tlsSkipVerify && <Badge ml="xs" color="orange" variant="light">TLS unverified</Badge>}</> },
          { header: 'Auth', cell: (source) => <Text size="sm">{source.auth ? (source.auth.type === 'basic' ? `basic (${source.auth.username})` : 'bearer') : 'none'}</Text> },
          { header: 'Scrape / timeout', cell: (source) => <Text size="sm" c="dimmed">{source.scrapeIntervalSeconds} s / {source.timeoutSeconds} s</Text> },
          { header: 'Test', cell: (source) => <TestBadge result={tests[source.id]} /> },
        ]}
        actions={(source) => (
          <>
            <Button size="xs" variant="subtle" loading={test.isPending && test.variables?.id === source.id} onClick={() => test.mutate(source)} aria-label={`Test ${source.name}`}>Test</Button>
            <Button size="xs" variant="subtle" onClick={() => setEditing({ mode: 'edit', source })} aria-label={`Edit ${source.name}`}>Edit</Button>
            <Button size="xs" variant="subtle" color="red" onClick={() => confirmRemove(source)} aria-label={`Delete ${source.name}`}>Delete</Button>
          </>
        )}
      />
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? `Edit ${editing.source.name}` : 'Add data source'} size="lg">
        {editing && <DatasourceForm {...(editing.mode === 'edit' ? { current: editing.source } : {})} busy={save.isPending} onSubmit={(body) => save.mutate(body)} />}
      </Modal>
    </>
  );
}
