import { Button, Code, Group, MultiSelect, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconZoomReset } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { replaceSearch, useLocation } from '../../lib/router.ts';
import { metricsQueries } from './queries.ts';
import { decodeRange, encodeRange, type TimeRange } from './time-range.ts';
import { buildOverlaySelector, labelsFromPairs } from './selector.ts';
import { RangePicker } from './RangePicker.tsx';
import { usePhoneLayout, usePickerWidth } from '../../components/responsive/use-compact.ts';
import { MetricsChartPanel } from './MetricsChartPanel.tsx';

const DEFAULT_RANGE: TimeRange = { kind: 'relative', minutes: 60 };

/**
 * Pick a metric, narrow it by labels, choose a range or drag to zoom. Everything lives in
 * the URL (`#/metrics?name=…&labels=…&range=…`), so a view can be shared or bookmarked.
 */
export function MetricsView() {
  const api = useApi();
  const { search } = useLocation();
  const seriesList = useQuery(metricsQueries.series(api));
  const name = search.get('name') ?? '';
  const pairs = search.getAll('label').length ? search.getAll('label') : (search.get('labels')?.split('|').filter(Boolean) ?? []);
  const range = decodeRange(search.get('range'), DEFAULT_RANGE);
  const zoomedFrom = search.get('back');
  // More metrics drawn in the same chart (`also=a|b`): CPU and memory of one host.
  const also = (search.get('also')?.split('|').filter(Boolean) ?? []).filter((one) => one !== name);

  const update = (changes: { name?: string; pairs?: string[]; also?: string[]; range?: TimeRange; back?: string | null }) =>
    replaceSearch('/metrics', {
      name: changes.name ?? name,
      labels: (changes.pairs ?? pairs).join('|'),
      also: (changes.also ?? also).join('|'),
      range: encodeRange(changes.range ?? range),
      back: changes.back === undefined ? zoomedFrom : changes.back,
    });

  const labels = labelsFromPairs(pairs);
  const hasLabels = (one: { labels: Record<string, string> }) => Object.entries(labels).every(([key, value]) => one.labels[key] === value);
  const names = [...new Set((seriesList.data?.series ?? []).filter(hasLabels).map((one) => one.name))].sort();
  const labelOptions = new Set<string>(pairs);
  for (const one of seriesList.data?.series ?? []) {
    if (name && one.name !== name && !also.includes(one.name)) continue;
    for (const [key, value] of Object.entries(one.labels)) labelOptions.add(`${key}=${value}`);
  }
  // A host picked from the palette without a metric charts every series of that host.
  const selector = name || pairs.length > 0 ? buildOverlaySelector([name, ...also], labels) : '';
  const phone = usePhoneLayout();
  const width = usePickerWidth();

  return (
    <>
      <PageHeader title="Metrics" description="Explore any series; anomalies are shaded in red." />
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Metric"
            placeholder={seriesList.isPending ? 'Loading series…' : 'Pick a metric'}
            searchable
            data={names}
            value={name || null}
            onChange={(value) => update({ name: value ?? '', pairs: [] })}
            w={width(300)}
            nothingFoundMessage="No such metric"
          />
          <MultiSelect
            label="Overlay metrics"
            description="Drawn in the same chart; a second unit gets its own axis"
            placeholder={name ? 'Add a metric' : 'Pick a metric first'}
            disabled={!name}
            searchable
            clearable
            maxValues={4}
            data={names.filter((one) => one !== name)}
            value={also}
            onChange={(value) => update({ also: value })}
            w={width(300)}
          />
          <MultiSelect
            label="Labels"
            placeholder="Any"
            searchable
            clearable
            data={[...labelOptions].sort()}
            value={pairs}
            onChange={(value) => update({ pairs: value })}
            w={width(360)}
          />
          <RangePicker
            fullWidth={phone}
            range={range}
            onChange={(next) => update({ range: next, back: null })}
          />
          {zoomedFrom && (
            <Button variant="default" leftSection={<IconZoomReset size={16} />} onClick={() => update({ range: decodeRange(zoomedFrom, DEFAULT_RANGE), back: null })}>
              Reset zoom
            </Button>
          )}
        </Group>
        {selector && <Text size="xs" c="dimmed">Selector <Code>{selector}</Code></Text>}
        {seriesList.isError ? (
          <ErrorPanel error={seriesList.error} onRetry={() => void seriesList.refetch()} />
        ) : !selector ? (
          <EmptyState
            title={names.length === 0 && !seriesList.isPending ? 'No metrics yet' : 'Pick a metric to chart'}
            description={names.length === 0 && !seriesList.isPending ? 'The server has not collected or received any series yet.' : `${names.length} metrics available. Press / to search them.`}
          />
        ) : (
          <MetricsChartPanel
            match={selector}
            range={range}
            height={380}
            title={`Chart of ${selector}`}
            onZoom={(from, to) => update({ range: { kind: 'absolute', from, to }, back: zoomedFrom ?? encodeRange(range) })}
          />
        )}
      </Stack>
    </>
  );
}
