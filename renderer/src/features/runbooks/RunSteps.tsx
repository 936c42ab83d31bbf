import { Badge, Group, Stack, Text } from '@mantine/core';
import type { Run, RunStep } from '../../../../shared/api/runbooks.ts';
import { formatDuration } from '../../lib/format.ts';
import { ScrollableCode } from '../../components/ScrollableCode.tsx';
import { useRunOutput } from './live-output.ts';
import { useFollowTail } from './use-follow-tail.ts';

/** The steps of a run with their output: stored when the step is done, streamed while it runs. */
export function RunSteps({ run }: { run: Run }) {
  const live = useRunOutput(run.id);
  if (run.steps.length === 0) return <Text size="sm" c="dimmed">No step has run.</Text>;
  return (
    <Stack gap="sm" aria-label="Run steps">
      {run.steps.map((step) => {
        const output = step.state === 'running' ? (live.get(step.seq) ?? '') : step.output;
        return (
          <Stack key={step.seq} gap={4} data-testid="run-step">
            <Group gap="xs">
              <Badge size="sm" variant="light" color={step.state === 'succeeded' ? 'teal' : step.state === 'running' ? 'blue' : 'red'}>{step.state}</Badge>
              <Text size="sm" fw={600}>{step.phase === 'step' ? '' : `${step.phase}: `}{step.name}</Text>
              <Text size="xs" c="dimmed">{step.kind}{step.exitCode !== null ? ` · exit ${step.exitCode}` : ''}{step.durationMs !== null ? ` · ${formatDuration(step.durationMs)}` : ''}</Text>
            </Group>
            {step.error && <Text size="xs" c="red">{step.error}</Text>}
            {output !== '' && <StepOutput step={step} output={output} />}
          </Stack>
        );
      })}
    </Stack>
  );
}

/** The server keeps the start of each step's output up to a limit; the reader learns which. */
const TRUNCATED = '[output truncated here: the rest was not kept (SMARTCLOUDOPS_RUNBOOK_OUTPUT_LIMIT, 64 KiB by default)]';

/** A step's output in a box of its own; while the step runs, the newest lines stay in view. */
function StepOutput({ step, output }: { step: RunStep; output: string }) {
  const tail = useFollowTail<HTMLPreElement>(output, step.state === 'running');
  return (
    <ScrollableCode label={`Output of ${step.name}`} data-testid="step-output" ref={tail.ref} onScroll={tail.onScroll} style={{ maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
      {output}{step.truncated ? `\n${TRUNCATED}` : ''}
    </ScrollableCode>
  );
}
