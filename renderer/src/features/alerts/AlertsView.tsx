import { useEffect, useMemo, useState } from 'react';
import { Button, Group, Modal, MultiSelect, Paper, SegmentedControl, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { IconBellRinging, IconCheck, IconSearch } from '@tabler/icons-react';
import { SEVERITIES, type Alert, type AlertListQuery, type Matcher } from '../../../../shared/api/alerts.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useCan } from '../../session/permissions.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useListCursor } from '../../keyboard/useListCursor.ts';
import { alertQueries } from './queries.ts';
import { AlertsTable } from './AlertsTable.tsx';
import { AcknowledgeForm } from './AcknowledgeForm.tsx';
import { SilenceForm, matchersFromLabels } from './SilenceForm.tsx';
import { openAlert } from './alert-link.ts';
import { AlertCards } from './AlertCards.tsx';
import { useAcknowledgeLink } from './use-acknowledge-link.ts';
import { useCompactLayout, usePickerWidth } from '../../components/responsive/use-compact.ts';

const STATES = [
  { value: 'firing', label: 'Firing' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'firing,acknowledged,resolved', label: 'All' },
];
const SORTS = [
  { value: 'severity', label: 'Sort: severity' },
  { value: 'startsAt', label: 'Sort: newest' },
  { value: 'lastSeenAt', label: 'Sort: last seen' },
];

/** Rows asked for at first and added by each "Show more". */
const PAGE = 200;
/** The most one answer of `GET /alerts` holds (AlertListQuery's limit): past it, filters narrow. */
const MOST = 500;

export function AlertsView() {
  const api = useApi();
  const canWrite = useCan('alerts:write');
  const canSilence = useCan('silences:write');
  const [state, setState] = useState('firing');
  const [severity, setSeverity] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [sort, setSort] = useState<'severity' | 'startsAt' | 'lastSeenAt'>('severity');
  const [q] = useDebouncedValue(text.trim(), 300);
  /** The search or the severity leaves alerts out (the state tabs are the page's own split). */
  const filtered = severity.length > 0 || q !== '';
  // "Show more" raises the limit for these filters only: other filters start at one page again.
  const filters = JSON.stringify([state, sort, severity, q]);
  const [raised, setRaised] = useState<{ filters: string; limit: number } | null>(null);
  const limit = raised?.filters === filters ? raised.limit : PAGE;
  const query: AlertListQuery = { state, sort, order: 'desc', limit, ...(severity.length ? { severity: severity.join(',') } : {}), ...(q ? { q } : {}) };
  // The rows already read stay on screen while the longer list loads (no skeleton, no jump to the top).
  const alerts = useQuery({ ...alertQueries.list(api, query), placeholderData: limit > PAGE ? keepPreviousData : undefined });
  const items = useMemo(() => alerts.data?.items ?? [], [alerts.data]);

  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [acking, setAcking] = useState<Alert[] | null>(null);
  // Opened from a notification: the form comes up with Acknowledge focused, one Enter away.
  const [quickAck, setQuickAck] = useState(false);
  const linked = useAcknowledgeLink(api);
  useEffect(() => {
    if (!linked) return;
    setAcking([linked]);
    setQuickAck(true);
  }, [linked]);
  const compact = useCompactLayout();
  const width = usePickerWidth();
  const List = compact ? AlertCards : AlertsTable;
  const [silencing, setSilencing] = useState<Matcher[] | null>(null);
  const toggle = (id: number) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  const cursor = useListCursor(items.length, {
    a: (i) => canWrite && items[i]?.state === 'firing' && setAcking([items[i] as Alert]),
    s: (i) => canSilence && items[i] && setSilencing(matchersFromLabels((items[i] as Alert).labels)),
    x: (i) => items[i] && toggle((items[i] as Alert).id),
    Enter: (i) => items[i] && openAlert((items[i] as Alert).id),
  });
  useHotkeys([['mod+a', () => setSelected(new Set(items.map((alert) => alert.id)))]]);
  const selectedAlerts = items.filter((alert) => selected.has(alert.id) && alert.state === 'firing');

  return (
    <>
      <PageHeader
        title="Alerts"
        description={keyHint(canWrite, canSilence)}
        actions={canWrite && selectedAlerts.length > 0 && (
          <Button leftSection={<IconCheck size={16} />} onClick={() => setAcking(selectedAlerts)}>
            Acknowledge {selectedAlerts.length}
          </Button>
        )}
      />
      <Group mb="md" gap="sm" align="flex-end" wrap="wrap">
        <SegmentedControl aria-label="Alert state" fullWidth={compact} w={compact ? '100%' : undefined} data={STATES} value={state} onChange={(value) => { setState(value); setSelected(new Set()); }} />
        <MultiSelect aria-label="Severity" placeholder="Any severity" data={[...SEVERITIES]} value={severity} onChange={setSeverity} clearable w={width(240)} />
        <TextInput aria-label="Search alerts" placeholder="Search labels and text" leftSection={<IconSearch size={14} />} value={text} onChange={(e) => setText(e.currentTarget.value)} w={width(240)} />
        <Select aria-label="Sort by" data={SORTS} value={sort} allowDeselect={false} onChange={(value) => value && setSort(value as typeof sort)} w={width(170)} />
      </Group>
      <Paper withBorder radius="md">
        <QueryState
          query={alerts}
          isEmpty={(data) => data.items.length === 0}
          empty={filtered ? {
            // "All quiet" is said only when nothing is filtered out: a search that matched
            // nothing read "Nothing is firing" while hundreds of alerts fired.
            title: state === 'firing' ? 'No firing alert matches these filters' : 'No matching alerts',
            description: 'Other alerts may match without them.',
            icon: <IconBellRinging size={24} />,
            action: <Button variant="light" size="xs" onClick={() => { setSeverity([]); setText(''); }}>Clear filters</Button>,
          } : { title: state === 'firing' ? 'Nothing is firing' : 'No matching alerts', description: state === 'firing' ? 'All quiet. Alerts appear here the moment they fire.' : 'Loosen the filters.', icon: <IconBellRinging size={24} /> }}
          unavailable={{ title: 'Alerts are not available on this server', description: 'This server does not offer the alerts API (E_NOT_FOUND).' }}
        >
          {(data) => (
            <>
              <List
                alerts={data.items}
                cursor={cursor.index}
                selected={selected}
                canWrite={canWrite}
                onToggle={toggle}
                onToggleAll={() => setSelected((current) => (data.items.every((alert) => current.has(alert.id)) ? new Set() : new Set(data.items.map((alert) => alert.id))))}
                onCursor={cursor.setIndex}
                onAcknowledge={(alert) => setAcking([alert])}
                onSilence={(alert) => setSilencing(matchersFromLabels(alert.labels))}
                onHistory={(alert) => openAlert(alert.id)}
              />
              <MoreAlerts
                shown={data.items.length}
                total={data.total}
                loading={alerts.isPlaceholderData}
                onMore={() => setRaised({ filters, limit: Math.min(data.items.length + PAGE, MOST) })}
              />
            </>
          )}
        </QueryState>
      </Paper>
      <Modal opened={acking !== null} onClose={() => { setAcking(null); setQuickAck(false); }} title="Acknowledge">
        {acking && <AcknowledgeForm alerts={acking} quick={quickAck} onDone={() => { setAcking(null); setQuickAck(false); setSelected(new Set()); }} />}
      </Modal>
      <Modal opened={silencing !== null} onClose={() => setSilencing(null)} title="New silence" size="lg">
        {silencing && <SilenceForm initialMatchers={silencing} onDone={() => setSilencing(null)} />}
      </Modal>
    </>
  );
}

/** The list's keys, those the role can use only: a viewer's a, s and x did nothing. */
function keyHint(canWrite: boolean, canSilence: boolean): string {
  const keys = ['j/k to move', ...(canWrite ? ['a to acknowledge'] : []), ...(canSilence ? ['s to silence'] : []), ...(canWrite ? ['x to select'] : []), 'Enter to open'];
  return `${keys.join(', ')}.`;
}

/** Under a list cut short: a button for the next rows while one answer can hold them, else why not. */
function MoreAlerts({ shown, total, loading, onMore }: { shown: number; total: number; loading: boolean; onMore: () => void }) {
  if (shown >= total) return null;
  const next = Math.min(PAGE, total - shown, MOST - shown);
  if (next <= 0) return <Text size="xs" c="dimmed" p="sm">Showing {shown} of {total}; narrow the filters to see the rest.</Text>;
  return (
    <Group p="sm">
      <Button variant="default" size="xs" loading={loading} onClick={onMore}>Show {next} more ({total - shown} not shown)</Button>
    </Group>
  );
}
