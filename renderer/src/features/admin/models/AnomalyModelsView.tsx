import { Badge, Button, Drawer, Stack, Table, Text } from '@mantine/core';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { IconBrain } from '@tabler/icons-react';
import { useState } from 'react';
import type { AnomalyModel } from '../../../../../shared/api/anomaly.ts';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { useCan } from '../../../session/permissions.ts';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { useDrawerSize } from '../../../components/useDrawerSize.ts';
import { AdminTable } from '../../../components/admin/AdminTable.tsx';
import { useAdminAction } from '../../../components/admin/useAdminAction.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { anomalyQueries } from '../../anomalies/queries.ts';
import { adminQueries } from '../queries.ts';
import { modelsByTarget, shadowText, type TargetModels } from './model-summary.ts';

const STATE_COLOR = { active: 'teal', candidate: 'blue', retired: 'gray', failed: 'red' } as const;
const INVALIDATES = [['anomalies']] as const;

function windowText(model: AnomalyModel): string {
  return `${formatDateTime(model.trainedFrom)} → ${formatDateTime(model.trainedTo)} · ${model.trainRows.toLocaleString()} rows`;
}

function ModelCell({ model, empty }: { model: AnomalyModel | null; empty: string }) {
  if (!model) return <Text size="xs" c="dimmed">{empty}</Text>;
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>v{model.version} <Badge size="xs" variant="light" color={STATE_COLOR[model.state]}>{model.state}</Badge></Text>
      <Text size="xs" c="dimmed">{windowText(model)}</Text>
      {model.state === 'candidate' && <Text size="xs" data-testid="shadow-agreement">{shadowText(model)}</Text>}
    </Stack>
  );
}

/** Anomaly models per target: what is active, what is being tried in shadow, and the controls to train, promote and roll back. */
export function AnomalyModelsView() {
  const api = useApi();
  const drawerSize = useDrawerSize('xl');
  const canManage = useCan('models:manage');
  const status = useQuery(anomalyQueries.status(api));
  const models = useQuery(adminQueries.anomalyModels(api));
  const [history, setHistory] = useState<TargetModels | null>(null);
  // Both reads make the table: loading or failing together, as one query.
  const combined = (
    status.isSuccess && models.isSuccess ? { ...models, data: modelsByTarget(status.data, models.data) } : status.isError ? status : models.isError ? models : status.isPending ? status : models
  ) as UseQueryResult<TargetModels[]>;
  const train = useAdminAction({
    run: (target: string) => api.anomaly.train({ body: { target } }),
    invalidates: INVALIDATES,
    success: (model) => `Trained ${model.target} v${model.version} (${model.state})`,
    failure: 'Could not train the model',
  });
  const promote = useAdminAction({
    run: (model: AnomalyModel) => api.anomaly.promote({ params: { id: model.id } }),
    invalidates: INVALIDATES,
    success: (model) => `${model.target} v${model.version} is active`,
    failure: 'Could not promote the model',
  });
  const rollback = useAdminAction({
    run: (target: string) => api.anomaly.rollback({ body: { target } }),
    invalidates: INVALIDATES,
    success: (model) => `${model.target} rolled back to v${model.version}`,
    failure: 'Could not roll back',
  });

  return (
    <>
      <PageHeader title="Anomaly models" description="One model per target learns its normal behaviour; a new version is scored in shadow beside the active one before it takes over." />
      <AdminTable
        query={combined}
        rows={(data) => data}
        rowKey={(row) => row.target}
        rowLabel={(row) => row.target}
        label="Anomaly models"
        empty={{ title: 'No targets yet', description: 'Targets appear once their metrics arrive; a model is trained when enough samples exist.', icon: <IconBrain size={24} /> }}
        columns={[
          { header: 'Target', cell: (row) => <Text size="sm" fw={500} ff="monospace">{row.target}</Text>, inCard: false },
          {
            header: 'Samples',
            cell: (row) => (
              <>
                <Text size="sm">{row.rows.toLocaleString()}</Text>
                {row.scoredText && <Text size="xs" c="dimmed" title="A model takes at most 84 metrics; the model's version lists which">{row.scoredText}</Text>}
              </>
            ),
          },
          { header: 'Active', cell: (row) => <ModelCell model={row.active} empty="none yet: nothing is scored" /> },
          { header: 'Candidate (shadow)', cell: (row) => <ModelCell model={row.candidate} empty="none" /> },
        ]}
        actions={(row) => (
          <>
            {canManage && <Button size="xs" variant="subtle" loading={train.isPending && train.variables === row.target} onClick={() => train.mutate(row.target)} aria-label={`Train a new model for ${row.target}`}>Train</Button>}
            {canManage && row.candidate && <Button size="xs" variant="subtle" onClick={() => promote.mutate(row.candidate as AnomalyModel)} aria-label={`Promote v${row.candidate.version} of ${row.target}`}>Promote</Button>}
            {canManage && row.canRollBack && <Button size="xs" variant="subtle" onClick={() => rollback.mutate(row.target)} aria-label={`Roll back ${row.target}`}>Roll back</Button>}
            <Button size="xs" variant="subtle" color="gray" onClick={() => setHistory(row)} aria-label={`Versions of ${row.target}`}>Versions</Button>
          </>
        )}
      />
      <Drawer opened={history !== null} onClose={() => setHistory(null)} position="right" size={drawerSize} title={history ? `Model versions · ${history.target}` : ''}>
        {history && (
          <Table.ScrollContainer minWidth={520}>
            <Table verticalSpacing={4} aria-label={`Model versions of ${history.target}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Training window</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.versions.map((model) => (
                  <Table.Tr key={model.id}>
                    <Table.Td>v{model.version}</Table.Td>
                    <Table.Td><Badge size="sm" variant="light" color={STATE_COLOR[model.state]}>{model.state}</Badge>{model.prunedAt ? <Text span size="xs" c="dimmed"> model pruned</Text> : null}</Table.Td>
                    <Table.Td><Text size="xs">{windowText(model)}</Text></Table.Td>
                    <Table.Td><Text size="xs">{model.createdBy} · {formatDateTime(model.createdAt)}</Text></Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Drawer>
    </>
  );
}
