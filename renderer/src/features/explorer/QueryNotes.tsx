import { Alert, Code, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { histogramChartLead, histogramSuggestions } from '../../../../shared/metrics/native-histograms.ts';
import type { ChartedAnswer } from './matrix.ts';

/**
 * Above a source query's chart: Prometheus's warnings, and which series the chart leaves out
 * (native histograms) with queries that give numbers from them, each one click away when
 * the view can run a query (`onUse`).
 */
export function QueryNotes({ data, query, onUse }: { data: ChartedAnswer; query: string; onUse?: (query: string) => void }) {
  if (data.notes.length === 0 && !data.histograms) return null;
  return (
    <Stack gap={4}>
      {data.notes.map((note) => (
        <Alert key={note} color="yellow" variant="light" role="status" style={{ overflowWrap: 'anywhere' }}>
          {note}
        </Alert>
      ))}
      {data.histograms && (
        <Alert color="yellow" variant="light" role="status" style={{ overflowWrap: 'anywhere' }}>
          <Text size="sm">{histogramChartLead(data.histograms.series, data.histograms.total)}. Query a number from them instead:</Text>
          <Group gap={6} mt={6}>
            {histogramSuggestions(query).map((suggestion) =>
              onUse ? (
                <UnstyledButton key={suggestion} onClick={() => onUse(suggestion)} aria-label={`Run ${suggestion}`} style={{ maxWidth: '100%' }}>
                  <Code style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>{suggestion}</Code>
                </UnstyledButton>
              ) : (
                <Code key={suggestion} style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>{suggestion}</Code>
              ),
            )}
          </Group>
        </Alert>
      )}
    </Stack>
  );
}
