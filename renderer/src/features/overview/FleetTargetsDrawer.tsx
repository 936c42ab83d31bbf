import { Badge, Drawer, Group, Paper, Stack, Text } from '@mantine/core';
import type { FleetHealth, TargetHealth } from '../../../../shared/api/fleet.ts';
import { useDrawerSize } from '../../components/useDrawerSize.ts';
import { formatAge, formatDateTime } from '../../lib/format.ts';

const HEALTH_COLOR: Record<TargetHealth, string> = { unhealthy: 'red', unknown: 'gray', healthy: 'teal' };

/** Every target of the inventory with its health, where it was seen, and why it is not healthy. */
export function FleetTargetsDrawer({ fleet, opened, onClose }: { fleet: FleetHealth; opened: boolean; onClose: () => void }) {
  const size = useDrawerSize('lg');
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size={size} title={`Fleet · ${fleet.healthy} of ${fleet.total} healthy`}>
      <Text size="xs" c="dimmed" mb="sm">
        Each target once, from the series collected or pushed here, anomaly watches and the alerts that name it. Silent after {formatAge(fleet.staleAfterMs)} without a sample.
      </Text>
      <Stack gap="xs" role="list" aria-label="Fleet targets">
        {fleet.targets.map((target) => (
          <Paper key={target.name} role="listitem" aria-label={target.name} withBorder radius="md" p="sm">
            <Group gap={6} wrap="wrap" mb={4}>
              <Badge variant="light" color={HEALTH_COLOR[target.health]}>{target.health}</Badge>
              <Text size="sm" fw={600} ff="monospace" style={{ overflowWrap: 'anywhere' }}>{target.name}</Text>
            </Group>
            {target.reasons.map((reason) => <Text key={reason} size="sm" style={{ overflowWrap: 'anywhere' }}>{reason}</Text>)}
            <Text size="xs" c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
              {target.sources.join(', ')}
              {target.instances.length > 1 || target.instances[0] !== target.name ? ` · as ${target.instances.join(', ')}` : ''}
              {target.lastSampleAt !== null ? ` · last sample ${formatDateTime(target.lastSampleAt)}` : ' · no samples here'}
            </Text>
          </Paper>
        ))}
      </Stack>
    </Drawer>
  );
}
