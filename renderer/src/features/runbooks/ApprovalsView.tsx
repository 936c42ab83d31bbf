import { Code, Paper, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconChecklist } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useCan } from '../../session/permissions.ts';
import { PENDING_APPROVAL_QUERY, runbookQueries } from './queries.ts';
import { describeStep } from './PlanPreview.tsx';
import { DecisionButtons } from './DecisionButtons.tsx';
import { ApprovalCards } from './ApprovalCards.tsx';
import { useCompactLayout } from '../../components/responsive/use-compact.ts';

/** Runs waiting for approval, each with the exact plan an approval binds to. */
export function ApprovalsView() {
  const api = useApi();
  const pending = useQuery(runbookQueries.runs(api, PENDING_APPROVAL_QUERY));
  const canDecide = useCan('runbooks:run');
  const compact = useCompactLayout();
  return (
    <>
      <PageHeader title="Approvals" description="Runbook runs waiting for someone other than the requester. An approval holds for the plan shown." />
      <Paper withBorder radius="md">
        <QueryState query={pending} isEmpty={(data) => data.runs.length === 0} empty={{ title: 'Nothing waits for approval', description: 'Runs of runbooks in approve mode wait here until someone other than the requester approves or rejects them.', icon: <IconChecklist size={24} /> }}>
          {(data) => compact ? <ApprovalCards runs={data.runs} canDecide={canDecide} /> : (
            // Wider than a phone: the table scrolls in its own box rather than widening the page.
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing={8} aria-label="Approvals">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Run</Table.Th>
                    <Table.Th>Plan</Table.Th>
                    <Table.Th>Approvals</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.runs.map((run) => (
                    <Table.Tr key={run.id} data-testid="approval-row">
                      <Table.Td>
                        <Text size="sm" fw={500} component="a" href={`#/runbook-runs/${run.id}`} c="inherit">#{run.id} {run.title}</Text>
                        <Text size="xs" c="dimmed">
                          {run.requestedBy} · {formatDateTime(run.createdAt)}{run.incidentId !== null ? ` · incident #${run.incidentId}` : ''}{run.reason === 'plan_changed' ? ' · plan changed, approve again' : ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          {run.plan.steps.map((step, i) => <Code key={i}>{step.name}: {describeStep(step)}</Code>)}
                        </Stack>
                      </Table.Td>
                      <Table.Td><Text size="sm">{run.approvals.filter((a) => a.decision === 'approve' && !a.void).length} / {run.approvalsRequired}</Text></Table.Td>
                      <Table.Td>{canDecide && <DecisionButtons run={run} />}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </Paper>
    </>
  );
}
