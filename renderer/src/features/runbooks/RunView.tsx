import { Anchor, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatDateTime } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { useCan } from '../../session/permissions.ts';
import { runbookQueries } from './queries.ts';
import { RunStateBadge } from './RunStateBadge.tsx';
import { RunSteps } from './RunSteps.tsx';
import { PlanPreview } from './PlanPreview.tsx';
import { DecisionButtons } from './DecisionButtons.tsx';
import { CancelRunButton } from './CancelRunButton.tsx';

/** One run: its state, approvals, plan and the steps with live output. */
export function RunView({ params }: RouteProps<'/runbook-runs/:id'>) {
  const api = useApi();
  const id = Number(params.id);
  const run = useQuery({ ...runbookQueries.run(api, id), enabled: Number.isInteger(id) });
  const canDecide = useCan('runbooks:run');
  // Until the run names its runbook (loading, gone, not a number), the way back is the list:
  // a run opened from a chat answer or a notification must not be a dead end.
  const backToList = <Anchor href="#/runbooks" size="sm">← Runbooks</Anchor>;
  if (!Number.isInteger(id)) {
    return (
      <Stack>
        {backToList}
        <EmptyState title="No such run" description={`"${params.id}" is not a run number.`} />
      </Stack>
    );
  }
  return (
    <Stack>
      {!run.data && backToList}
      <QueryState query={run} skeletonRows={8}>
        {(data) => (
          <Stack>
            <Stack gap={4}>
              <Anchor href={`#/runbooks/${data.runbookId}`} size="sm">← {data.title}</Anchor>
              <Group gap="xs">
                <Title order={1} size="h3">Run #{data.id}{data.dryRun ? ' (dry run)' : ''}</Title>
                <RunStateBadge state={data.state} />
                {data.reason && <Text size="sm" c="dimmed" data-testid="run-reason">{data.reason}</Text>}
              </Group>
              <Text size="sm" c="dimmed">
                Requested by {data.requestedBy} ({data.trigger}) · {formatDateTime(data.createdAt)}
                {data.incidentId !== null && <> · <Anchor href={`#/incidents/${data.incidentId}`} size="sm">incident #{data.incidentId}</Anchor></>}
              </Text>
              <Text size="sm">Parameters <Code>{JSON.stringify(data.params)}</Code></Text>
            </Stack>
            {data.state === 'pending_approval' && canDecide && <DecisionButtons run={data} />}
            <CancelRunButton run={data} />
            {data.approvals.length > 0 && (
              <Text size="sm">
                {data.approvals.map((a) => `${a.decision === 'approve' ? 'Approved' : 'Rejected'} by ${a.user}${a.void ? ' (void: plan changed)' : ''}${a.comment ? `: ${a.comment}` : ''}`).join(' · ')}
              </Text>
            )}
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">Steps</Title>
              <RunSteps run={data} />
            </Paper>
            <Paper withBorder radius="md" p="md">
              <Title order={2} size="h5" mb="sm">Plan</Title>
              <PlanPreview plan={data.plan} />
            </Paper>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
