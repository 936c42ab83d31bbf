import { useState } from 'react';
import { Button, Checkbox, Group, Modal, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconArrowMerge, IconArrowsSplit } from '@tabler/icons-react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import type { Incident } from '../../../../shared/api/incidents.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { notifyError, notifySuccess } from '../../components/notify.ts';
import { navigate } from '../../lib/router.ts';
import { alertTitle } from '../alerts/alert-text.ts';

/**
 * Merge other incidents into this one, or split some of its alerts out into a new one:
 * the server's merge and split routes (audited, `incidents:write`), from the incident page.
 */
export function MergeSplitActions({ incident, alerts }: { incident: Incident; alerts: Alert[] }) {
  const canWrite = useCan('incidents:write');
  const [open, setOpen] = useState<'merge' | 'split' | null>(null);
  if (!canWrite || incident.mergedInto !== null) return null;
  return (
    <Group gap="xs">
      <Button variant="default" leftSection={<IconArrowMerge size={16} />} onClick={() => setOpen('merge')}>Merge…</Button>
      <Button variant="default" leftSection={<IconArrowsSplit size={16} />} disabled={alerts.length < 2} title={alerts.length < 2 ? 'Needs two alerts or more' : undefined} onClick={() => setOpen('split')}>
        Split…
      </Button>
      <Modal opened={open === 'merge'} onClose={() => setOpen(null)} title={`Merge incidents into #${incident.id}`}>
        {open === 'merge' && <MergeForm incident={incident} onDone={() => setOpen(null)} />}
      </Modal>
      <Modal opened={open === 'split'} onClose={() => setOpen(null)} title={`Split alerts out of #${incident.id}`}>
        {open === 'split' && <SplitForm incident={incident} alerts={alerts} onDone={() => setOpen(null)} />}
      </Modal>
    </Group>
  );
}

function useRefreshIncidents() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['incidents'] });
    void queryClient.invalidateQueries({ queryKey: ['alerts'] });
    void queryClient.invalidateQueries({ queryKey: ['overview'] });
  };
}

function MergeForm({ incident, onDone }: { incident: Incident; onDone: () => void }) {
  const api = useApi();
  const refresh = useRefreshIncidents();
  const [selected, setSelected] = useState<string[]>([]);
  const candidates = useQuery({
    queryKey: ['incidents', 'list', { status: 'open,mitigated', sort: 'lastActivityAt', order: 'desc', limit: 200 }],
    queryFn: () => api.incidents.list({ query: { status: 'open,mitigated', sort: 'lastActivityAt', order: 'desc', limit: 200 } }),
  });
  const merge = useMutation({
    mutationFn: () => api.incidents.merge({ params: { id: incident.id }, body: { incidentIds: selected.map(Number) } }),
    onSuccess: (merged) => {
      notifySuccess(`Merged ${selected.length} incident(s) into #${merged.id}`);
      refresh();
      onDone();
    },
    onError: (error) => notifyError('Could not merge', error),
  });
  const data = (candidates.data?.items ?? [])
    .filter((other) => other.id !== incident.id && other.mergedInto === null)
    .map((other) => ({ value: String(other.id), label: `#${other.id} ${other.title}` }));
  return (
    <Stack>
      <Text size="sm">Their alerts and timelines move into this incident; they are closed as merged.</Text>
      <MultiSelect
        label="Incidents to merge in"
        placeholder={candidates.isPending ? 'Loading…' : data.length === 0 ? 'No other open incident' : 'Pick one or more'}
        data={data}
        value={selected}
        onChange={setSelected}
        searchable
        nothingFoundMessage="No open incident matches"
        data-autofocus
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>Cancel</Button>
        <Button onClick={() => merge.mutate()} disabled={selected.length === 0} loading={merge.isPending}>Merge</Button>
      </Group>
    </Stack>
  );
}

function SplitForm({ incident, alerts, onDone }: { incident: Incident; alerts: Alert[]; onDone: () => void }) {
  const api = useApi();
  const refresh = useRefreshIncidents();
  const [selected, setSelected] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const keepsOne = selected.length > 0 && selected.length < alerts.length;
  const split = useMutation({
    mutationFn: () => api.incidents.split({ params: { id: incident.id }, body: { alertIds: selected.map(Number), ...(title.trim() ? { title: title.trim() } : {}) } }),
    onSuccess: (created) => {
      notifySuccess(`Split ${selected.length} alert(s) into incident #${created.id}`);
      refresh();
      onDone();
      navigate(`/incidents/${created.id}`);
    },
    onError: (error) => notifyError('Could not split', error),
  });
  return (
    <Stack>
      <Checkbox.Group label="Alerts to move into a new incident" description="At least one alert stays here." value={selected} onChange={setSelected}>
        <Stack gap={6} mt="xs">
          {alerts.map((alert) => (
            <Checkbox key={alert.id} value={String(alert.id)} label={`${alertTitle(alert)} (${alert.state})`} />
          ))}
        </Stack>
      </Checkbox.Group>
      <TextInput label="Title of the new incident" placeholder={`Split from #${incident.id}: ${incident.title}`} value={title} onChange={(event) => setTitle(event.currentTarget.value)} maxLength={256} />
      {selected.length === alerts.length && <Text size="sm" c="red">Keep at least one alert in this incident; resolve it instead.</Text>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>Cancel</Button>
        <Button onClick={() => split.mutate()} disabled={!keepsOne} loading={split.isPending}>Split</Button>
      </Group>
    </Stack>
  );
}
