import { Badge, Button, Drawer, Group, Paper, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { FleetHealth, FleetTarget, TargetHealth } from '../../../../shared/api/fleet.ts';
import { useApi } from '../../platform/PlatformContext.tsx';
import { useDrawerSize } from '../../components/useDrawerSize.ts';
import { formatAge, formatDateTime } from '../../lib/format.ts';
import { overviewQueries } from './queries.ts';

const HEALTH_COLOR: Record<TargetHealth, string> = { unhealthy: 'red', unknown: 'gray', healthy: 'teal' };

/**
 * Every target of the inventory with its health, where it was seen, and why it is not
 * healthy: the overview's page first, then further pages on demand (a fleet of thousands
 * is not drawn at once).
 */
export function FleetTargetsDrawer({ fleet, opened, onClose }: { fleet: FleetHealth; opened: boolean; onClose: () => void }) {
  const size = useDrawerSize('lg');
  const api = useApi();
  // An older server answers every target at once, without `nextOffset`.
  const firstNext = fleet.nextOffset ?? null;
  const more = useInfiniteQuery({ ...overviewQueries.fleetPages(api, firstNext ?? 0), enabled: false });
  // The first page is polled; a target that moved between pages since is listed once.
  const shown = new Map<string, FleetTarget>(fleet.targets.map((target) => [target.name, target]));
  for (const page of more.data?.pages ?? []) for (const target of page.targets) if (!shown.has(target.name)) shown.set(target.name, target);
  const nextOffset = more.data ? (more.data.pages.at(-1)?.nextOffset ?? null) : firstNext;
  const loadMore = () => void (more.data ? more.fetchNextPage() : more.refetch());
  return (
    <Drawer opened={opened} onClose={onClose} position="right" size={size} title={`Fleet · ${fleet.healthy} of ${fleet.total} healthy`}>
      <Text size="xs" c="dimmed" mb="sm">
        Each target once, from the series collected or pushed here, anomaly watches and the alerts that name it. Silent after {formatAge(fleet.staleAfterMs)} without a sample.
      </Text>
      <Stack gap="xs" role="list" aria-label="Fleet targets">
        {[...shown.values()].map((target) => (
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
      {nextOffset !== null && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={more.isFetching} onClick={loadMore}>
            Show more ({Math.max(0, fleet.total - shown.size)} not shown)
          </Button>
        </Group>
      )}
      {more.isError && <Text size="sm" c="red" mt="xs" role="alert">Could not load more targets: {more.error.message}</Text>}
    </Drawer>
  );
}
