import { Badge, Button, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { IconBellOff, IconCheck, IconHistory } from '@tabler/icons-react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { SeverityBadge } from './SeverityBadge.tsx';
import { alertTarget, alertTitle } from './alert-text.ts';
import type { AlertsTableProps } from './AlertsTable.tsx';
import { TimeAgo } from '../../components/TimeAgo.tsx';

const STATE_COLOR: Record<Alert['state'], string> = { firing: 'red', acknowledged: 'yellow', resolved: 'teal' };

/**
 * The alerts list on phones and tablets: one card per alert, badges never cut off, the
 * actions as buttons a thumb can hit. Same props and keyboard cursor as the table.
 */
export function AlertCards(props: AlertsTableProps) {
  const { alerts, cursor, selected, canWrite } = props;
  const now = Date.now();
  return (
    <Stack gap="xs" p="xs" role="list" aria-label="Alerts">
      {alerts.map((alert, i) => {
        const target = alertTarget(alert);
        return (
          <Paper
            key={alert.id}
            role="listitem"
            withBorder
            radius="md"
            p="sm"
            data-cursor-row
            data-testid={`alert-card-${alert.id}`}
            aria-label={`Alert ${alertTitle(alert)}`}
            aria-current={cursor === i ? 'true' : undefined}
            bg={cursor === i ? 'var(--mantine-primary-color-light)' : undefined}
            onClick={() => props.onCursor(i)}
          >
            <Stack gap={6}>
              <Group gap={6} wrap="wrap">
                {canWrite && <Checkbox aria-label={`Select alert ${alert.id}`} checked={selected.has(alert.id)} onChange={() => props.onToggle(alert.id)} />}
                <SeverityBadge severity={alert.severity} />
                <Badge color={STATE_COLOR[alert.state]} variant="dot">{alert.state}</Badge>
                {alert.silenced && <Badge color="gray" variant="outline" leftSection={<IconBellOff size={10} />}>silenced</Badge>}
              </Group>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>{alertTitle(alert)}</Text>
              <Group gap={8} wrap="wrap">
                {target && <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{target}</Text>}
                <Text size="xs" c="dimmed">{alert.source}</Text>
                <TimeAgo at={alert.startsAt} now={now} prefix="started" size="xs" c="dimmed" />
                {alert.occurrences > 1 && <Text size="xs" c="dimmed">×{alert.occurrences}</Text>}
                {alert.acknowledgedBy && <Text size="xs" c="dimmed">owner {alert.acknowledgedBy}</Text>}
                {alert.incidentId !== null && <Text size="xs" component="a" href={`#/incidents/${alert.incidentId}`} c="signal">incident #{alert.incidentId}</Text>}
              </Group>
              <Group gap="xs" wrap="wrap">
                {canWrite && alert.state === 'firing' && (
                  <Button size="xs" leftSection={<IconCheck size={14} />} onClick={() => props.onAcknowledge(alert)} aria-label={`Acknowledge alert ${alert.id}`}>Acknowledge</Button>
                )}
                {canWrite && <Button size="xs" variant="default" leftSection={<IconBellOff size={14} />} onClick={() => props.onSilence(alert)}>Silence</Button>}
                <Button size="xs" variant="default" leftSection={<IconHistory size={14} />} onClick={() => props.onHistory(alert)}>History</Button>
              </Group>
            </Stack>
          </Paper>
        );
      })}
    </Stack>
  );
}
