import { Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue, useElementSize } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RuleInput, RulePreview } from '../../../../../shared/api/alerts.ts';
import { formatUnit, unitOfName } from '../../../../../shared/metrics/units.ts';
import { useApi } from '../../../platform/PlatformContext.tsx';
import { TimeSeriesChart } from '../../../components/chart/TimeSeriesChart.tsx';
import { QueryState } from '../../../components/QueryState.tsx';
import type { SeriesData } from '../../metrics/series-data.ts';

const LOOKBACK_SECONDS = 3600;
const CHART_SERIES = 6;

/** The preview's series as chart lines, plus the threshold as a flat line to read them against. */
function chartSeries(preview: RulePreview, threshold: number): SeriesData[] {
  const lines: SeriesData[] = preview.series.slice(0, CHART_SERIES).map((one, index) => ({
    id: index + 1,
    name: one.name,
    labels: one.labels,
    timestamps: preview.times,
    values: one.values.map((value) => value ?? Number.NaN),
  }));
  const unit = lines[0] ? unitOfName(lines[0].name) : 'none';
  lines.push({ id: 0, name: 'threshold', labels: {}, timestamps: [preview.from, preview.to], values: [threshold, threshold], unit });
  return lines;
}

/**
 * What the rule being edited would do, replayed over the last hour of data as the admin
 * types (debounced): which series match, which would fire now, how often it would have
 * fired. Nothing is stored and nothing fires.
 */
export function RulePreviewPanel({ input }: { input: RuleInput | null }) {
  const api = useApi();
  const [debounced] = useDebouncedValue(input, 500);
  const { ref, width } = useElementSize();
  const preview = useQuery({
    queryKey: ['admin', 'rule-preview', debounced],
    queryFn: () => api.alertRules.preview({ body: { rule: debounced as RuleInput, lookbackSeconds: LOOKBACK_SECONDS } }),
    enabled: debounced !== null && debounced.selector !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const threshold = input?.condition.threshold ?? 0;
  const lines = useMemo(() => (preview.data ? chartSeries(preview.data, threshold) : []), [preview.data, threshold]);

  if (input === null) return <Text size="sm" c="dimmed">Fill in the rule to see what it would do against the last hour of data.</Text>;
  if (input.selector === undefined) return <Text size="sm" c="dimmed">The live preview replays selector rules on the built-in store; try a PromQL expression in the metrics explorer.</Text>;

  return (
    <Paper withBorder radius="md" p="sm" data-testid="rule-preview" aria-live="polite" style={{ opacity: preview.isPlaceholderData ? 0.6 : 1 }}>
      <QueryState query={preview} skeletonRows={3} isEmpty={(data) => data.series.length === 0} empty={{ title: 'No series match this selector', description: 'Check the metric name and labels in the metrics explorer.' }}>
        {(data) => {
          const firing = data.series.filter((one) => one.firing).length;
          const fired = data.series.reduce((sum, one) => sum + one.fired, 0);
          const unit = unitOfName(data.series[0]?.name ?? '');
          return (
            <Stack gap="xs">
              <Group gap="xs">
                <Badge color={firing > 0 ? 'red.9' : 'teal'} variant={firing > 0 ? 'filled' : 'light'} data-testid="rule-preview-firing">{firing} would fire now</Badge>
                <Text size="sm">
                  {data.series.length}{data.truncated ? '+' : ''} series match · it would have fired {fired} time{fired === 1 ? '' : 's'} in the last hour (evaluated every {data.stepSeconds} s)
                </Text>
              </Group>
              <div ref={ref}>{width > 0 && <TimeSeriesChart series={lines} width={width} height={180} title="Rule preview: reduced value per series and the threshold" from={data.from} to={data.to} />}</div>
              <Table verticalSpacing={2} aria-label="Series the rule matches">
                <Table.Tbody>
                  {data.series.slice(0, 8).map((one) => (
                    <Table.Tr key={JSON.stringify(one.labels)}>
                      <Table.Td><Text size="xs" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{Object.entries(one.labels).map(([k, v]) => `${k}=${v}`).join(', ') || one.name}</Text></Table.Td>
                      <Table.Td ta="right"><Text size="xs" ff="monospace">{one.value === null ? 'no data' : formatUnit(one.value, unit)}</Text></Table.Td>
                      <Table.Td ta="right">
                        {one.firing ? <Badge size="xs" color="red.9">firing</Badge> : one.holds ? <Badge size="xs" color="orange.4" autoContrast>pending</Badge> : <Badge size="xs" variant="light" color="gray">ok</Badge>}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          );
        }}
      </QueryState>
    </Paper>
  );
}
