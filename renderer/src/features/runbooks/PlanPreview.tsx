import { Badge, Code, Group, List, Stack, Text } from '@mantine/core';
import type { Plan, ResolvedStep } from '../../../../shared/api/runbooks.ts';
import { formatDuration } from '../../lib/format.ts';

/** One line per step: exactly what will be executed (argv items shown one by one). */
export function describeStep(step: ResolvedStep): string {
  switch (step.kind) {
    case 'run': return (step.argv ?? []).map((item) => JSON.stringify(item)).join(' ');
    case 'http':
    case 'webhook': return `${step.method ?? 'POST'} ${step.url ?? ''}`;
    case 'wait': return formatDuration(step.durationMs ?? 0);
    case 'silence': return `${JSON.stringify(step.match ?? {})} for ${formatDuration(step.durationMs ?? 0)}`;
    default: return step.text ?? '';
  }
}

function Steps({ steps, label }: { steps: ResolvedStep[]; label: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>{label}</Text>
      <List size="sm" spacing={4} type="ordered">
        {steps.map((step, i) => (
          <List.Item key={i}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge size="xs" variant="outline">{step.kind}</Badge>
              <Text size="sm" fw={500}>{step.name}</Text>
            </Group>
            {/* Wrapped, not scrolled: in a list item (inline-flex) a line that never wraps
                sets the width of the item, the card and the page (954 px on a phone). */}
            <Code block className="sco-wrap-anywhere" style={{ whiteSpace: 'pre-wrap' }}>{describeStep(step)}</Code>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

export function PlanPreview({ plan }: { plan: Plan }) {
  const { state } = plan;
  return (
    <Stack gap="sm" data-testid="plan-preview">
      <Group gap="xs">
        <Text size="sm">Target <Code>{plan.targets.join(', ')}</Code></Text>
        <Badge color={state.blockedBy ? 'red' : 'teal'} variant="light" data-testid="plan-blocked">{state.blockedBy ? `blocked: ${state.blockedBy}` : 'within limits'}</Badge>
        <Badge variant="light" color={state.breaker.state === 'open' ? 'red' : 'gray'}>breaker {state.breaker.state} ({state.breaker.failures}/{state.breaker.threshold})</Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {state.runsLeftThisHour} run(s) left this hour · {state.globalRunsLeftThisHour} left for all runbooks · cooldown {state.cooldownLeftMs > 0 ? `${formatDuration(state.cooldownLeftMs)} left` : 'none'} · mode {plan.safety.mode}, {plan.safety.approvers} approver(s)
      </Text>
      <Steps steps={plan.steps} label="Steps" />
      {plan.verify && <Text size="sm">Verify <Code>{plan.verify.query} {plan.verify.op} {plan.verify.threshold}</Code> within {formatDuration(plan.verify.withinMs)} ({plan.verify.source})</Text>}
      {plan.rollback.length > 0 && <Steps steps={plan.rollback} label="Rollback (if a step or verify fails)" />}
      <Text size="xs" c="dimmed" ff="monospace">plan {plan.hash.slice(0, 16)}</Text>
    </Stack>
  );
}
