import { Button, Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useState } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { FleetHealth, FleetTarget } from '../../../../shared/api/fleet.ts';
import { QueryState } from '../../components/QueryState.tsx';
import { statusTextColor } from '../../lib/status-text-color.ts';
import { FleetTargetsDrawer } from './FleetTargetsDrawer.tsx';

const SHOWN = 4;

/** `web-1: silent: no samples for 12 min (+1 more)`. */
function line(target: FleetTarget): string {
  const [first, ...rest] = target.reasons;
  return `${target.name}: ${first ?? target.health}${rest.length > 0 ? ` (+${rest.length} more)` : ''}`;
}

/** `: ext-1, ext-2, ext-3…`, from the names on this page (none when the page holds only unhealthy ones). */
function unknownNames(onPage: FleetTarget[], count: number): string {
  const names = onPage.slice(0, 3).map((target) => target.name);
  return names.length === 0 ? '' : `: ${names.join(', ')}${count > names.length ? '…' : ''}`;
}

/**
 * "x / y healthy" as the server counts it (`GET /fleet/health`): one inventory of metrics,
 * watch and alert targets, each once; the unhealthy ones with their first reason, the
 * unknown ones (named only by alerts) counted apart.
 */
export function FleetHealthSummary({ query }: { query: UseQueryResult<FleetHealth> }) {
  const scheme = useComputedColorScheme('light');
  const [open, setOpen] = useState(false);
  return (
    <QueryState query={query} skeletonRows={2}>
      {(fleet) => {
        // The server lists alerting targets first (an alert is the more urgent news); the
        // answer is one page of the fleet, so the counts come from its totals.
        const unhealthy = fleet.targets.filter((target) => target.health === 'unhealthy');
        const unknown = fleet.targets.filter((target) => target.health === 'unknown');
        return (
          <Stack gap={4} data-testid="fleet-health">
            <Text fz={28} fw={700} lh={1.1}>{fleet.healthy}<Text span c="dimmed" fz="md"> / {fleet.total} healthy</Text></Text>
            {unhealthy.slice(0, SHOWN).map((target) => (
              <Text key={target.name} size="xs" c={statusTextColor('red', scheme)} title={target.reasons.join('\n')} data-testid="fleet-unhealthy" style={{ overflowWrap: 'anywhere' }}>
                {line(target)}
              </Text>
            ))}
            {fleet.unhealthy > SHOWN && <Text size="xs" c={statusTextColor('red', scheme)}>and {fleet.unhealthy - SHOWN} more unhealthy</Text>}
            {fleet.unknown > 0 && (
              <Text size="xs" c="dimmed" title={unknown.map((target) => `${target.name}: ${target.reasons.join('; ')}`).join('\n')} data-testid="fleet-unknown" style={{ overflowWrap: 'anywhere' }}>
                {fleet.unknown} unknown (no data collected here){unknownNames(unknown, fleet.unknown)}
              </Text>
            )}
            {fleet.total === 0 && <Text size="xs" c="dimmed">No labelled targets reporting yet.</Text>}
            {fleet.total > 0 && (
              <Button variant="subtle" size="compact-xs" onClick={() => setOpen(true)} style={{ alignSelf: 'flex-start' }}>
                {/* A fresh server watches itself only: "All 1 targets" read as a slip. */}
                {fleet.total === 1 ? 'The 1 target and why' : `All ${fleet.total} targets and why`}
              </Button>
            )}
            <FleetTargetsDrawer fleet={fleet} opened={open} onClose={() => setOpen(false)} />
          </Stack>
        );
      }}
    </QueryState>
  );
}
