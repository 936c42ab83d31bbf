import { useState } from 'react';
import { Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Suggestion } from '../../../../shared/api/runbooks.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { runbookQueries } from './queries.ts';
import { RunDialog } from './RunDialog.tsx';

/** On an incident: the runbooks whose triggers match its alerts, ready to plan with the alert's values. */
export function SuggestedRunbooks({ incidentId }: { incidentId: number }) {
  const api = useApi();
  const canRead = useCan('runbooks:read');
  const canRun = useCan('runbooks:run');
  const suggestions = useQuery({ ...runbookQueries.suggestions(api, incidentId), enabled: canRead });
  const [chosen, setChosen] = useState<Suggestion | null>(null);
  const items = suggestions.data?.suggestions ?? [];
  if (!canRead || items.length === 0) return null;
  return (
    <Paper withBorder radius="md" p="md" aria-label="Suggested runbooks">
      <Title order={2} size="h5" mb="sm">Suggested runbooks</Title>
      <Stack gap="xs">
        {items.map((suggestion) => (
          <Group key={`${suggestion.runbook.id}-${suggestion.alertId}`} justify="space-between" wrap="nowrap">
            {/* The text takes what the button leaves (min-width 0 lets it wrap instead of
                squeezing the button); the parameters break anywhere, as other selectors do. */}
            <Stack gap={0} miw={0} style={{ flex: 1 }}>
              <Text size="sm" fw={500} component="a" href={`#/runbooks/${suggestion.runbook.id}`} c="inherit">{suggestion.runbook.title}</Text>
              <Text size="xs" c="dimmed">for {suggestion.alertName} <Code className="sco-wrap-anywhere">{JSON.stringify(suggestion.params)}</Code></Text>
            </Stack>
            {canRun && <Button size="xs" variant="light" onClick={() => setChosen(suggestion)} style={{ flexShrink: 0 }}>Run…</Button>}
          </Group>
        ))}
      </Stack>
      {chosen && <RunDialog runbook={chosen.runbook} opened onClose={() => setChosen(null)} incidentId={incidentId} initial={chosen.params} />}
    </Paper>
  );
}
