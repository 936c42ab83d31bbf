import { ActionIcon, Anchor, Badge, Checkbox, Group, Menu, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconBellOff, IconCheck, IconDots, IconHistory } from '@tabler/icons-react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { SeverityBadge } from './SeverityBadge.tsx';
import { alertTarget, alertTitle } from './alert-text.ts';
import { alertHref } from './alert-link.ts';
import { TimeAgo } from '../../components/TimeAgo.tsx';

export interface AlertsTableProps {
  alerts: Alert[];
  cursor: number;
  selected: ReadonlySet<number>;
  canWrite: boolean;
  onToggle(id: number): void;
  onToggleAll(): void;
  onCursor(index: number): void;
  onAcknowledge(alert: Alert): void;
  onSilence(alert: Alert): void;
  onHistory(alert: Alert): void;
}

const STATE_COLOR: Record<Alert['state'], string> = { firing: 'red', acknowledged: 'yellow', resolved: 'teal' };

export function AlertsTable(props: AlertsTableProps) {
  const { alerts, cursor, selected, canWrite } = props;
  const now = Date.now();
  const allSelected = alerts.length > 0 && alerts.every((alert) => selected.has(alert.id));
  return (
    <Table highlightOnHover verticalSpacing={6} aria-label="Alerts">
      <Table.Thead>
        <Table.Tr>
          {canWrite && (
            <Table.Th w={36}>
              <Checkbox aria-label="Select all alerts" checked={allSelected} indeterminate={!allSelected && selected.size > 0} onChange={props.onToggleAll} />
            </Table.Th>
          )}
          <Table.Th className="sco-nowrap">Severity</Table.Th>
          <Table.Th>Alert</Table.Th>
          <Table.Th className="sco-nowrap">State</Table.Th>
          <Table.Th className="sco-nowrap">Started</Table.Th>
          <Table.Th className="sco-nowrap">Owner</Table.Th>
          <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {alerts.map((alert, i) => (
          <Table.Tr
            key={alert.id}
            data-cursor-row
            data-testid={`alert-row-${alert.id}`}
            aria-selected={cursor === i}
            bg={cursor === i ? 'var(--mantine-primary-color-light)' : undefined}
            onClick={() => props.onCursor(i)}
          >
            {canWrite && (
              <Table.Td>
                <Checkbox aria-label={`Select alert ${alert.id}`} checked={selected.has(alert.id)} onChange={() => props.onToggle(alert.id)} />
              </Table.Td>
            )}
            <Table.Td><SeverityBadge severity={alert.severity} /></Table.Td>
            <Table.Td>
              <Anchor href={alertHref(alert.id)} size="sm" fw={500} c="var(--mantine-color-text)" className="sco-wrap-anywhere">{alertTitle(alert)}</Anchor>
              <Group gap={6}>
                {alertTarget(alert) && <Text size="xs" c="dimmed" ff="monospace" className="sco-wrap-anywhere">{alertTarget(alert)}</Text>}
                <Text size="xs" c="dimmed">{alert.source}</Text>
                {alert.occurrences > 1 && <Text size="xs" c="dimmed">×{alert.occurrences}</Text>}
                {alert.incidentId !== null && <Text size="xs" component="a" href={`#/incidents/${alert.incidentId}`} c="signal">incident #{alert.incidentId}</Text>}
              </Group>
            </Table.Td>
            <Table.Td>
              <Group gap={4}>
                <Badge color={STATE_COLOR[alert.state]} variant="dot">{alert.state}</Badge>
                {alert.silenced && <Badge color="gray" variant="outline" leftSection={<IconBellOff size={10} />}>silenced</Badge>}
              </Group>
            </Table.Td>
            <Table.Td><TimeAgo at={alert.startsAt} now={now} size="sm" c="dimmed" className="sco-nowrap" /></Table.Td>
            <Table.Td><Text size="sm">{alert.acknowledgedBy ?? '–'}</Text></Table.Td>
            <Table.Td ta="right">
              <Group gap={4} justify="flex-end" wrap="nowrap">
                {canWrite && alert.state === 'firing' && (
                  <Tooltip label="Acknowledge (a)">
                    <ActionIcon variant="subtle" aria-label={`Acknowledge alert ${alert.id}`} onClick={() => props.onAcknowledge(alert)}>
                      <IconCheck size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
                <Menu position="bottom-end">
                  <Menu.Target>
                    <ActionIcon variant="subtle" color="gray" aria-label={`More actions for alert ${alert.id}`}>
                      <IconDots size={16} />
                    </ActionIcon>
                  </Menu.Target>
                  <Menu.Dropdown>
                    {canWrite && <Menu.Item leftSection={<IconBellOff size={14} />} onClick={() => props.onSilence(alert)}>Silence… (s)</Menu.Item>}
                    <Menu.Item leftSection={<IconHistory size={14} />} onClick={() => props.onHistory(alert)}>Details and history</Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
