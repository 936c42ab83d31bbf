import { Anchor, Code, Paper, Stack, Text } from '@mantine/core';
import type { Run } from '../../../../shared/api/runbooks.ts';
import { formatDateTime } from '../../lib/format.ts';
import { describeStep } from './PlanPreview.tsx';
import { DecisionButtons } from './DecisionButtons.tsx';

/**
 * Waiting runs below 992 px: one card each, its plan wrapped and its Approve and Reject
 * under it. The table scrolled in its own box on a phone, its buttons past the right edge.
 */
export function ApprovalCards({ runs, canDecide }: { runs: Run[]; canDecide: boolean }) {
  return (
    <Stack gap="sm" p="sm" role="list" aria-label="Approvals">
      {runs.map((run) => {
        const name = `#${run.id} ${run.title}`;
        const approved = run.approvals.filter((a) => a.decision === 'approve' && !a.void).length;
        return (
          <Paper key={run.id} withBorder radius="md" p="sm" role="listitem" aria-label={name} data-testid="approval-row">
            <Stack gap={6}>
              <Anchor href={`#/runbook-runs/${run.id}`} size="sm" fw={500} className="sco-wrap-anywhere">{name}</Anchor>
              <Text size="xs" c="dimmed">
                {run.requestedBy} · {formatDateTime(run.createdAt)}{run.incidentId !== null ? ` · incident #${run.incidentId}` : ''}{run.reason === 'plan_changed' ? ' · plan changed, approve again' : ''}
              </Text>
              {run.plan.steps.map((step, i) => (
                <Code key={i} block className="sco-wrap-anywhere" style={{ whiteSpace: 'pre-wrap' }}>{step.name}: {describeStep(step)}</Code>
              ))}
              <Text size="sm">{approved} / {run.approvalsRequired} approvals</Text>
              {canDecide && <DecisionButtons run={run} />}
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
