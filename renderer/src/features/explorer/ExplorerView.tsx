import { useMemo, useState } from 'react';
import { Button, Group, Menu, Paper, Select, Stack, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconHistory, IconPlayerPlay, IconZoomReset } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TimeSeriesChart } from '../../components/chart/TimeSeriesChart.tsx';
import { unitOfExpression } from '../../../../shared/metrics/units.ts';
import { replaceSearch, useLocation } from '../../lib/router.ts';
import { RangePicker } from '../metrics/RangePicker.tsx';
import { SeriesLegend } from '../metrics/SeriesLegend.tsx';
import { decodeRange, encodeRange, pointsForWidth, resolveRange, type TimeRange } from '../metrics/time-range.ts';
import { PromQLEditor } from './PromQLEditor.tsx';
import { proxyPromClient } from './prom-client.ts';
import { explorerQueries } from './queries.ts';
import { hasNothingToShow, type ChartedAnswer } from './matrix.ts';
import { QueryNotes } from './QueryNotes.tsx';
import { usePhoneLayout, usePickerWidth } from '../../components/responsive/use-compact.ts';
import { loadHistory, remember } from './query-history.ts';

const DEFAULT_RANGE: TimeRange = { kind: 'relative', minutes: 60 };

/**
 * The metrics explorer for Prometheus-compatible sources: pick a source, write PromQL
 * (highlighted, completed from the source through our proxy), run it, drag to zoom.
 * Source, query and range live in the URL (`#/explorer?source=…&q=…&range=…`).
 */
export function ExplorerView() {
  const api = useApi();
  const phone = usePhoneLayout();
  const pickerWidth = usePickerWidth();
  const { search } = useLocation();
  const sources = useQuery(explorerQueries.sources(api));
  const sourceId = Number(search.get('source')) || sources.data?.datasources[0]?.id || 0;
  const ran = search.get('q') ?? '';
  const range = decodeRange(search.get('range'), DEFAULT_RANGE);
  const zoomedFrom = search.get('back');
  const [draft, setDraft] = useState(ran);
  // The editor follows the URL when it changes under it (back, forward, a shared link), not only when Run changes it.
  const [draftOf, setDraftOf] = useState(ran);
  if (draftOf !== ran) {
    setDraftOf(ran);
    setDraft(ran);
  }
  const [runs, setRuns] = useState(0);
  // A relative range is read against the moment its query ran (or its source or range
  // changed), not every render: otherwise each keystroke in the editor re-queried the source.
  const anchorKey = `${sourceId}|${ran}|${encodeRange(range)}|${runs}`;
  const [anchor, setAnchor] = useState(() => ({ key: anchorKey, now: Date.now() }));
  if (anchor.key !== anchorKey) setAnchor({ key: anchorKey, now: Date.now() });
  const [history, setHistory] = useState(() => loadHistory());
  const client = useMemo(() => (sourceId ? proxyPromClient(api, sourceId) : null), [api, sourceId]);

  const update = (changes: { source?: number; q?: string; range?: TimeRange; back?: string | null }) =>
    replaceSearch('/explorer', {
      source: String(changes.source ?? sourceId),
      q: changes.q ?? ran,
      range: encodeRange(changes.range ?? range),
      back: changes.back === undefined ? zoomedFrom : changes.back,
    });
  const run = (query = draft) => {
    if (!query.trim()) return;
    setHistory(remember(query));
    // The same query run again reads the range up to now; a new one changes the URL, which does.
    if (query.trim() === ran) setRuns((count) => count + 1);
    else update({ q: query.trim() });
  };

  const { ref, width } = useElementSize();
  const { from, to } = resolveRange(range, anchor.now);
  const result = useQuery({
    ...explorerQueries.range(api, sourceId, ran, from, to, pointsForWidth(width)),
    enabled: sourceId > 0 && ran !== '' && width > 0,
    placeholderData: keepPreviousData,
  });

  if (sources.data && sources.data.datasources.length === 0) {
    return (
      <>
        <PageHeader title="Metrics explorer" description="PromQL over your Prometheus-compatible sources." />
        <EmptyState title="No data sources" description="An administrator adds Prometheus, Thanos, Mimir or VictoriaMetrics under Admin → Data sources." />
      </>
    );
  }

  return (
    <>
      <PageHeader title="Metrics explorer" description="PromQL over your Prometheus-compatible sources. Enter runs the query; drag across the chart to zoom." />
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Source"
            data={(sources.data?.datasources ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
            value={sourceId ? String(sourceId) : null}
            onChange={(value) => value && update({ source: Number(value) })}
            w={pickerWidth(240)}
            placeholder={sources.isPending ? 'Loading…' : 'Pick a source'}
          />
          <RangePicker range={range} fullWidth={phone} onChange={(next) => update({ range: next, back: null })} />
          {zoomedFrom && (
            <Button variant="default" leftSection={<IconZoomReset size={16} />} onClick={() => update({ range: decodeRange(zoomedFrom, DEFAULT_RANGE), back: null })}>
              Reset zoom
            </Button>
          )}
        </Group>
        <Group align="flex-start" gap="xs" wrap="nowrap">
          <div style={{ flex: 1, minWidth: 0 }}>
            <PromQLEditor value={draft} onChange={setDraft} onRun={() => run()} client={client} />
          </div>
          <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => run()} disabled={!sourceId || !draft.trim()}>
            Run
          </Button>
          <Menu position="bottom-end" width={480}>
            <Menu.Target>
              <Button variant="default" leftSection={<IconHistory size={16} />} disabled={history.length === 0} aria-label="Query history">
                History
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {history.map((query) => (
                <Menu.Item key={query} ff="monospace" fz="xs" onClick={() => (setDraft(query), run(query))}>
                  {query}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
        <Paper withBorder radius="md" p="sm">
          <div ref={ref} style={{ minHeight: 380, opacity: result.isPlaceholderData ? 0.5 : 1 }} aria-busy={result.isFetching}>
            {!ran ? (
              <EmptyState title="Write a query" description="Start typing a metric name or a function; completion lists what this source has." />
            ) : (
              width > 0 && (
                <QueryState
                  query={result}
                  skeletonRows={6}
                  isEmpty={hasNothingToShow}
                  empty={{ title: 'No data', description: 'The query matched no series in this range.' }}
                >
                  {(data) => (
                    <Stack gap="xs">
                      <QueryNotes data={data} query={ran} onUse={(suggestion) => (setDraft(suggestion), run(suggestion))} />
                      {data.series.length > 0 && (
                        <>
                      <TimeSeriesChart
                        series={data.series}
                        width={width}
                        height={380}
                        title={`Chart of ${ran}`}
                        unit={unitOfExpression(ran)}
                        from={from}
                        to={to}
                        onBrush={(zoomFrom, zoomTo) => update({ range: { kind: 'absolute', from: zoomFrom, to: zoomTo }, back: zoomedFrom ?? encodeRange(range) })}
                      />
                      <SeriesLegend series={data.series} />
                        </>
                      )}
                    </Stack>
                  )}
                </QueryState>
              )
            )}
          </div>
        </Paper>
        {ran && <Text size="xs" c="dimmed">{result.data ? seriesCount(result.data) : ''}</Text>}
      </Stack>
    </>
  );
}

function seriesCount(data: ChartedAnswer): string {
  const drawn = `${data.series.length} series`;
  return data.histogramOnly > 0 ? `${drawn} drawn, ${data.histogramOnly} native histogram series not` : drawn;
}
