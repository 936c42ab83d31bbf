import { Anchor, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { useCompactLayout } from '../../components/responsive/use-compact.ts';
import { SeverityBadge } from '../alerts/SeverityBadge.tsx';
import { alertTitle } from '../alerts/alert-text.ts';
import { alertHref } from '../alerts/alert-link.ts';

const STATE_COLOR: Record<Alert['state'], string> = { firing: 'red', acknowledged: 'yellow', resolved: 'teal' };

function StateBadge({ state }: { state: Alert['state'] }) {
  return <Badge variant="dot" color={STATE_COLOR[state]}>{state}</Badge>;
}

/** The incident's alerts: a table on wide screens, stacked rows (badges first, never cut) on narrow ones. */
export function LinkedAlerts({ alerts }: { alerts: Alert[] }) {
  const compact = useCompactLayout();
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h5" mb="sm">Linked alerts</Title>
      {alerts.length === 0 ? (
        <Text size="sm" c="dimmed">No alerts linked.</Text>
      ) : compact ? (
        <Stack gap="xs" role="list" aria-label="Linked alerts">
          {alerts.map((alert) => (
            <Paper key={alert.id} role="listitem" withBorder radius="sm" p="xs">
              <Group gap={6} wrap="wrap" mb={4}>
                <SeverityBadge severity={alert.severity} />
                <StateBadge state={alert.state} />
              </Group>
              <Anchor href={alertHref(alert.id)} size="sm" style={{ overflowWrap: 'anywhere' }}>{alertTitle(alert)}</Anchor>
            </Paper>
          ))}
        </Stack>
      ) : (
        <Table verticalSpacing={4} aria-label="Linked alerts">
          <Table.Tbody>
            {alerts.map((alert) => (
              <Table.Tr key={alert.id}>
                <Table.Td><SeverityBadge severity={alert.severity} /></Table.Td>
                {/* A summary with a path has no space to wrap at: without breaking anywhere the
                    table grew past its card and its state badge ran over the border. */}
                <Table.Td><Anchor href={alertHref(alert.id)} size="sm" className="sco-wrap-anywhere">{alertTitle(alert)}</Anchor></Table.Td>
                <Table.Td ta="right"><StateBadge state={alert.state} /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
