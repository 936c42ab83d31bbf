import { useState } from 'react';
import { Anchor, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { ScrollableCode } from '../../components/ScrollableCode.tsx';
import { formatDuration } from '../../lib/format.ts';
import type { RouteProps } from '../../lib/router.ts';
import { useCan } from '../../session/permissions.ts';
import { runbookQueries } from './queries.ts';
import { RunDialog } from './RunDialog.tsx';
import { RunsTable } from './RunsTable.tsx';

export function RunbookDetailView({ params }: RouteProps<'/runbooks/:id'>) {
  const api = useApi();
  const id = params.id ?? '';
  const detail = useQuery(runbookQueries.detail(api, id));
  const runs = useQuery(runbookQueries.runs(api, { runbook: id, limit: 50 }));
  const canRun = useCan('runbooks:run');
  const [open, setOpen] = useState(false);

  return (
    <QueryState query={detail} skeletonRows={8}>
      {({ runbook, source }) => (
        <Stack>
          <Group justify="space-between" align="flex-end">
            <Stack gap={4}>
              <Anchor href="#/runbooks" size="sm">← Runbooks</Anchor>
              <Title order={1} size="h3">{runbook.title}</Title>
              <Text size="sm" c="dimmed">{runbook.description || runbook.id}</Text>
              <Text size="xs" c="dimmed">
                mode {runbook.safety.mode} · role {runbook.safety.role} · {runbook.safety.approvers} approver(s) · {runbook.safety.cooldownMs > 0 ? `cooldown ${formatDuration(runbook.safety.cooldownMs)}` : 'no cooldown'} · {runbook.safety.maxRunsPerHour} runs/hour · concurrency {runbook.safety.concurrency}
              </Text>
            </Stack>
            {canRun && <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => setOpen(true)}>Run…</Button>}
          </Group>
          <Grid>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Paper withBorder radius="md" p="md">
                <Title order={2} size="h5" mb="sm">{runbook.file}</Title>
                <ScrollableCode label={`Runbook file ${runbook.file}`}>{source}</ScrollableCode>
              </Paper>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 6 }}>
              <Paper withBorder radius="md" p="md">
                <Title order={2} size="h5" mb="sm">History</Title>
                <QueryState query={runs} isEmpty={(data) => data.runs.length === 0} empty={{ title: 'Never run' }}>
                  {(data) => <RunsTable runs={data.runs} label="Run history" showRunbook={false} />}
                </QueryState>
              </Paper>
            </Grid.Col>
          </Grid>
          {open && <RunDialog runbook={runbook} opened={open} onClose={() => setOpen(false)} />}
        </Stack>
      )}
    </QueryState>
  );
}
