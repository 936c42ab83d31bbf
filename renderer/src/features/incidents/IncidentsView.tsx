import { useState } from 'react';
import { Button, Group, Paper, SegmentedControl, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { IconFlame, IconSearch } from '@tabler/icons-react';
import { useApi } from '../../platform/PlatformContext.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useListCursor } from '../../keyboard/useListCursor.ts';
import { navigate } from '../../lib/router.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentStatusBadge } from './StatusBadge.tsx';
import { INCIDENT_PAGE, incidentQueries } from './queries.ts';
import { ImportCapsuleButton } from './ImportCapsuleButton.tsx';
import { IncidentCards } from './IncidentCards.tsx';
import { useCompactLayout, usePickerWidth } from '../../components/responsive/use-compact.ts';
import { TimeAgo } from '../../components/TimeAgo.tsx';
import type { Incident } from '../../../../shared/api/incidents.ts';

export function IncidentsView() {
  const api = useApi();
  const [status, setStatus] = useState('open,mitigated');
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  // Pages by offset, the ones read kept on screen while the next loads: the list stopped at
  // 200 and said nothing of the rest.
  const incidents = useInfiniteQuery({
    ...incidentQueries.pages(api, { status, sort: 'lastActivityAt', order: 'desc', ...(q ? { q } : {}) }),
    select: (data) => {
      // An incident whose activity moved it across a page boundary between two pages is listed once.
      const seen = new Set<number>();
      const items = data.pages.flatMap((page) => page.items).filter((one) => !seen.has(one.id) && seen.add(one.id));
      return { items, total: data.pages.at(-1)?.total ?? 0 };
    },
  });
  const items = incidents.data?.items ?? [];
  const open = (i: number) => items[i] && navigate(`/incidents/${items[i].id}`);
  const cursor = useListCursor(items.length, { Enter: open, o: open });
  const compact = useCompactLayout();
  const width = usePickerWidth();

  return (
    <>
      <PageHeader title="Incidents" description="Related alerts grouped, with their timeline. j/k and Enter to open." actions={<ImportCapsuleButton />} />
      <Group mb="md" gap="sm">
        <SegmentedControl
          aria-label="Incident status"
          fullWidth={compact}
          w={compact ? '100%' : undefined}
          value={status}
          onChange={setStatus}
          data={[{ value: 'open,mitigated', label: 'Active' }, { value: 'resolved', label: 'Resolved' }, { value: 'open,mitigated,resolved', label: 'All' }]}
        />
        <TextInput aria-label="Search incidents" placeholder="Search titles" leftSection={<IconSearch size={14} />} value={text} onChange={(e) => setText(e.currentTarget.value)} w={width(240)} />
      </Group>
      <Paper withBorder radius="md">
        <QueryState
          query={incidents}
          isEmpty={(data) => data.items.length === 0}
          empty={q ? {
            // A search that matched nothing explained how incidents are made, as if there were none.
            title: `No incident title matches “${q}”`,
            description: status === 'resolved' ? 'Try Active or All.' : 'Try All to search resolved incidents too.',
            icon: <IconFlame size={24} />,
            action: <Button variant="light" size="xs" onClick={() => setText('')}>Clear search</Button>,
          } : { title: 'No incidents', description: 'Alerts that fire together are grouped into an incident automatically.', icon: <IconFlame size={24} /> }}
          unavailable={{ title: 'Incidents are not available on this server' }}
        >
          {(data) => (
            <>
              {compact ? <IncidentCards incidents={data.items} cursor={cursor.index} /> : <IncidentsTable incidents={data.items} cursor={cursor.index} />}
              {incidents.hasNextPage && (
                <Group p="sm">
                  <Button variant="default" size="xs" loading={incidents.isFetchingNextPage} onClick={() => void incidents.fetchNextPage()}>
                    Show {Math.min(INCIDENT_PAGE, data.total - data.items.length)} more ({data.total - data.items.length} not shown)
                  </Button>
                </Group>
              )}
            </>
          )}
        </QueryState>
      </Paper>
    </>
  );
}

/** The incidents list from 992 px: one row per incident, the title a link. */
function IncidentsTable({ incidents, cursor }: { incidents: Incident[]; cursor: number }) {
  const now = Date.now();
  return (
    <Table highlightOnHover verticalSpacing={8} aria-label="Incidents">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Severity</Table.Th>
          <Table.Th>Incident</Table.Th>
          <Table.Th className="sco-nowrap">Status</Table.Th>
          <Table.Th className="sco-nowrap">Alerts</Table.Th>
          <Table.Th className="sco-nowrap">Commander</Table.Th>
          <Table.Th className="sco-nowrap">Last activity</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {incidents.map((incident, i) => (
          <Table.Tr
            key={incident.id}
            data-cursor-row
            aria-selected={cursor === i}
            bg={cursor === i ? 'var(--mantine-primary-color-light)' : undefined}
            style={{ cursor: 'pointer' }}
            onClick={() => navigate(`/incidents/${incident.id}`)}
          >
            <Table.Td><SeverityBadge severity={incident.severity} /></Table.Td>
            <Table.Td>
              <Text size="sm" fw={500} component="a" href={`#/incidents/${incident.id}`} c="inherit" className="sco-wrap-anywhere">#{incident.id} {incident.title}</Text>
              <Text size="xs" c="dimmed" ff="monospace" className="sco-wrap-anywhere">{incident.groupKey}</Text>
            </Table.Td>
            <Table.Td><IncidentStatusBadge status={incident.status} /></Table.Td>
            <Table.Td className="sco-nowrap"><Text size="sm">{incident.firingCount} firing / {incident.alertCount}</Text></Table.Td>
            <Table.Td><Text size="sm" className="sco-wrap-anywhere">{incident.commander ?? '–'}</Text></Table.Td>
            <Table.Td className="sco-nowrap"><TimeAgo at={incident.lastActivityAt} now={now} size="sm" c="dimmed" /></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
