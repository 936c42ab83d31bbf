import { Group, Paper, Stack, Text } from '@mantine/core';
import type { Incident } from '../../../../shared/api/incidents.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { IncidentStatusBadge } from './StatusBadge.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';

/** The incidents list on phones and tablets: one card per incident, the whole card a link. */
export function IncidentCards({ incidents, cursor }: { incidents: Incident[]; cursor: number }) {
  const now = Date.now();
  return (
    <Stack gap="xs" p="xs" role="list" aria-label="Incidents">
      {incidents.map((incident, i) => (
        <Paper
          key={incident.id}
          role="listitem"
          withBorder
          radius="md"
          p="sm"
          data-cursor-row
          data-testid={`incident-card-${incident.id}`}
          aria-current={cursor === i ? 'true' : undefined}
          bg={cursor === i ? 'var(--mantine-primary-color-light)' : undefined}
        >
          <Stack gap={6}>
            <Group gap={6} wrap="wrap">
              <SeverityBadge severity={incident.severity} />
              <IncidentStatusBadge status={incident.status} />
              <TimeAgo at={incident.lastActivityAt} now={now} size="xs" c="dimmed" />
            </Group>
            <Text size="sm" fw={600} component="a" href={`#/incidents/${incident.id}`} c="inherit" style={{ overflowWrap: 'anywhere' }}>
              #{incident.id} {incident.title}
            </Text>
            <Group gap={8} wrap="wrap">
              <Text size="xs">{incident.firingCount} firing / {incident.alertCount}</Text>
              <Text size="xs" c="dimmed">commander {incident.commander ?? '–'}</Text>
              <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{incident.groupKey}</Text>
            </Group>
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
