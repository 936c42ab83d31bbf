import { useState } from 'react';
import { ActionIcon, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import type { IncidentSourceQuery } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { TimeSeriesChart } from '../../components/chart/TimeSeriesChart.tsx';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { explorerQueries } from '../explorer/queries.ts';
import { hasNothingToShow } from '../explorer/matrix.ts';
import { QueryNotes } from '../explorer/QueryNotes.tsx';
import { SeriesLegend } from '../metrics/SeriesLegend.tsx';
import { pointsForWidth } from '../metrics/time-range.ts';

export interface IncidentSourceQueriesProps {
  incidentId: number;
  /** From the incident's bundle, which the desktop keeps offline with the answers. */
  queries: readonly IncidentSourceQuery[];
  from: number;
  to: number;
}

const labelOf = (query: IncidentSourceQuery) => query.title ?? query.query;

/**
 * The data-source (PromQL) queries of an incident's metrics panel: each charted over the
 * incident's window through the source's query proxy; operators add and remove them.
 */
export function IncidentSourceQueries({ incidentId, queries, from, to }: IncidentSourceQueriesProps) {
  const api = useApi();
  const canWrite = useCan('incidents:write');
  const sources = useQuery({ ...explorerQueries.sources(api), enabled: useCan('metrics:read') });
  const readable = sources.data?.datasources ?? [];
  if (queries.length === 0 && (!canWrite || readable.length === 0)) return null;
  const sourceName = (id: number) => readable.find((source) => source.id === id)?.name ?? `source ${id}`;

  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h5" mb="sm">Source queries</Title>
      <Stack>
        {queries.map((query) => (
          <SourceQueryChart key={query.id} incidentId={incidentId} query={query} sourceName={sourceName(query.datasourceId)} from={from} to={to} canRemove={canWrite} />
        ))}
        {canWrite && readable.length > 0 && <AddSourceQuery incidentId={incidentId} sources={readable} />}
      </Stack>
    </Paper>
  );
}

/** One source query charted over the window (its answer read through the platform's API: the proxy, or a cache offline). */
export function SourceQueryChart({ incidentId, query, sourceName, from, to, canRemove }: { incidentId: number; query: IncidentSourceQuery; sourceName: string; from: number; to: number; canRemove: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { ref, width } = useElementSize();
  const result = useQuery({ ...explorerQueries.range(api, query.datasourceId, query.query, from, to, pointsForWidth(width)), enabled: width > 0 });
  const remove = useMutation({
    mutationFn: () => api.incidents.removeSourceQuery({ params: { id: incidentId, queryId: query.id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['incidents'] }),
    onError: (error) => notifyError('Could not remove the query', error),
  });
  return (
    <Stack gap={4} data-testid="source-query">
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" ff="monospace" c="dimmed">{sourceName}: {query.query}</Text>
        {canRemove && (
          <ActionIcon variant="subtle" color="gray" aria-label={`Remove source query ${labelOf(query)}`} loading={remove.isPending} onClick={() => remove.mutate()}>
            <IconTrash size={16} />
          </ActionIcon>
        )}
      </Group>
      <div ref={ref} style={{ minHeight: 200 }}>
        {width > 0 && (
          <QueryState query={result} skeletonRows={3} isEmpty={hasNothingToShow} empty={{ title: 'No data', description: 'The query matched no series around this incident.' }}>
            {(data) => (
              <Stack gap={4}>
                <QueryNotes data={data} query={query.query} />
                {data.series.length > 0 && (
                  <>
                    <TimeSeriesChart series={data.series} width={width} height={200} title={`Chart of ${labelOf(query)}`} from={from} to={to} />
                    <SeriesLegend series={data.series} />
                  </>
                )}
              </Stack>
            )}
          </QueryState>
        )}
      </div>
    </Stack>
  );
}

function AddSourceQuery({ incidentId, sources }: { incidentId: number; sources: ReadonlyArray<{ id: number; name: string }> }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [sourceId, setSourceId] = useState<string | null>(String(sources[0]!.id));
  const [text, setText] = useState('');
  const [title, setTitle] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api.incidents.addSourceQuery({ params: { id: incidentId }, body: { datasourceId: Number(sourceId), query: text.trim(), ...(title.trim() ? { title: title.trim() } : {}) } }),
    onSuccess: () => {
      notifySuccess('Query added to the metrics panel');
      setText('');
      setTitle('');
      void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    },
    onError: (error) => notifyError('Could not add the query', error),
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (sourceId && text.trim()) add.mutate();
      }}
    >
      <Group align="flex-end" gap="xs" wrap="wrap">
        <Select label="Source" w={160} data={sources.map((source) => ({ value: String(source.id), label: source.name }))} value={sourceId} onChange={setSourceId} allowDeselect={false} />
        <TextInput label="PromQL query" style={{ flex: 1, minWidth: 220 }} ff="monospace" value={text} onChange={(event) => setText(event.currentTarget.value)} />
        <TextInput label="Title (optional)" w={160} value={title} onChange={(event) => setTitle(event.currentTarget.value)} />
        <Button type="submit" variant="default" loading={add.isPending} disabled={!sourceId || !text.trim()}>Add query</Button>
      </Group>
    </form>
  );
}
