import { Alert, Badge, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconBook } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { navigate } from '../../lib/router.ts';
import { runbookQueries } from './queries.ts';
import { RunsTable } from './RunsTable.tsx';
import { byTitle } from './runbook-order.ts';
import type { RunbookSummary } from '../../../../shared/api/runbooks.ts';
import { AdminCards } from '../../components/admin/AdminCards.tsx';
import type { AdminColumn } from '../../components/admin/AdminTable.tsx';
import { useCompactLayout } from '../../components/responsive/use-compact.ts';

/** One cell per column, shared by the table and the phone's cards. */
const COLUMNS: ReadonlyArray<AdminColumn<RunbookSummary>> = [
  {
    header: 'Runbook',
    cell: (runbook) => (
      <>
        <Text size="sm" fw={500} component="a" href={`#/runbooks/${runbook.id}`} c="inherit" className="sco-wrap-anywhere">{runbook.title}</Text>
        <Text size="xs" c="dimmed" ff="monospace" className="sco-wrap-anywhere">{runbook.id} · {runbook.file}</Text>
      </>
    ),
  },
  { header: 'Mode', cell: (runbook) => <Badge variant="light">{runbook.safety.mode}</Badge> },
  { header: 'Steps', cell: (runbook) => <Text size="sm">{runbook.stepCount}{runbook.hasVerify ? ' + verify' : ''}{runbook.hasRollback ? ' + rollback' : ''}</Text> },
  { header: 'Triggers', cell: (runbook) => <Text size="sm">{runbook.triggerCount}</Text> },
];

export function RunbooksView() {
  const api = useApi();
  const list = useQuery(runbookQueries.list(api));
  const runs = useQuery(runbookQueries.runs(api, { limit: 20 }));
  const compact = useCompactLayout();
  return (
    <>
      <PageHeader title="Runbooks" description="Remediations declared in files: planned, approved where needed, limited and recorded." />
      <Stack>
        <QueryState
          query={list}
          isEmpty={(data) => data.runbooks.length === 0 && data.invalid.length === 0}
          empty={{ title: 'No runbooks', description: 'Add YAML files to the runbooks folder of the server (SMARTCLOUDOPS_RUNBOOKS_DIR).', icon: <IconBook size={24} /> }}
        >
          {(data) => (
            <Stack>
              {data.invalid.length > 0 && (
                <Alert color="red" title={`${data.invalid.length} invalid runbook file(s)`} data-testid="invalid-runbooks">
                  <List size="sm">
                    {data.invalid.map((problem) => <List.Item key={problem.file}><code>{problem.file}</code> line {problem.line}: {problem.message}</List.Item>)}
                  </List>
                </Alert>
              )}
              {compact ? (
                // Phones and tablets: one card per runbook, every column in view (the table was
                // 480 px wide: Steps and Triggers sat past a phone's edge).
                <AdminCards rows={byTitle(data.runbooks)} rowKey={(runbook) => runbook.id} columns={COLUMNS} label="Runbooks" />
              ) : (
                <Paper withBorder radius="md">
                  <Table.ScrollContainer minWidth={480}>
                    <Table highlightOnHover verticalSpacing={8} aria-label="Runbooks">
                      <Table.Thead>
                        <Table.Tr>
                          {COLUMNS.map((column) => <Table.Th key={column.header}>{column.header}</Table.Th>)}
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {byTitle(data.runbooks).map((runbook) => (
                          <Table.Tr key={runbook.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/runbooks/${runbook.id}`)}>
                            {COLUMNS.map((column) => <Table.Td key={column.header}>{column.cell(runbook)}</Table.Td>)}
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Paper>
              )}
            </Stack>
          )}
        </QueryState>
        <Paper withBorder radius="md" p="md">
          <Title order={2} size="h5" mb="sm">Recent runs</Title>
          <QueryState query={runs} isEmpty={(data) => data.runs.length === 0} empty={{ title: 'No runs yet' }}>
            {(data) => <RunsTable runs={data.runs} label="Recent runs" />}
          </QueryState>
        </Paper>
      </Stack>
    </>
  );
}
