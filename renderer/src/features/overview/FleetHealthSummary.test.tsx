import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { UseQueryResult } from '@tanstack/react-query';
import { createApiClient, type ApiRequest } from '../../../../shared/api/client.ts';
import type { FleetHealth, FleetTarget } from '../../../../shared/api/fleet.ts';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { renderWithProviders } from '../../test/render.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { FleetHealthSummary } from './FleetHealthSummary.tsx';

function target(name: string, health: FleetTarget['health'] = 'healthy'): FleetTarget {
  const reasons = health === 'unhealthy' ? ['Down (critical) firing'] : health === 'unknown' ? ['known only from alerts: nothing is collected from it here'] : [];
  return { name, health, sources: ['metrics'], instances: [name], lastSampleAt: 0, activeAlerts: health === 'unhealthy' ? 1 : 0, reasons };
}

const fleetOf = (targets: FleetTarget[], counts: Partial<FleetHealth> = {}): FleetHealth => ({
  generatedAt: 0, staleAfterMs: 60_000, total: targets.length, healthy: targets.filter((one) => one.health === 'healthy').length,
  unhealthy: targets.filter((one) => one.health === 'unhealthy').length, unknown: targets.filter((one) => one.health === 'unknown').length,
  targets, offset: 0, nextOffset: null, ...counts,
});

/** The summary over `fleet` (the overview's first page); `answer` serves the drawer's further pages. */
function renderFleet(fleet: FleetHealth, answer: (request: ApiRequest) => Promise<unknown> = async () => null) {
  const requests: ApiRequest[] = [];
  const transport = async (request: ApiRequest) => {
    requests.push(request);
    return answer(request);
  };
  // QueryState reads only these three of a query's fields.
  const query = { isPending: false, isError: false, data: fleet } as UseQueryResult<FleetHealth>;
  renderWithProviders(
    <PlatformProvider platform={webPlatform(undefined, { api: createApiClient(transport) })}>
      <FleetHealthSummary query={query} />
    </PlatformProvider>,
  );
  return requests;
}

describe('FleetHealthSummary', () => {
  // A fresh server watches itself only: the overview read "All 1 targets and why".
  it('names a single target in the singular', () => {
    renderFleet(fleetOf([target('vm')]));
    expect(screen.getByRole('button', { name: 'The 1 target and why' })).toBeTruthy();
  });

  it('names several as all of them', () => {
    renderFleet(fleetOf(['web-1', 'web-2', 'db-1'].map((name) => target(name))));
    expect(screen.getByRole('button', { name: 'All 3 targets and why' })).toBeTruthy();
  });

  // The answer is one page of a large fleet: "and N more" must count the fleet, not the page.
  it('counts from the fleet\'s totals when the answer is one page of it', () => {
    const page = Array.from({ length: 5 }, (_, i) => target(`ext-${i}`, 'unhealthy'));
    renderFleet(fleetOf(page, { total: 2_400, healthy: 100, unhealthy: 2_000, unknown: 300, nextOffset: 5 }));
    expect(screen.getByText('and 1996 more unhealthy')).toBeTruthy();
    // No unknown target on this page: the count alone, no dangling colon.
    expect(screen.getByTestId('fleet-unknown').textContent).toBe('300 unknown (no data collected here)');
  });

  it('loads the fleet drawer\'s further pages on demand, each target listed once', async () => {
    const first = fleetOf([target('a-1', 'unhealthy'), target('a-2', 'unhealthy')], { total: 5, unhealthy: 3, healthy: 2, nextOffset: 2 });
    const pages: Record<number, FleetHealth> = {
      2: fleetOf([target('a-3', 'unhealthy'), target('b-1')], { total: 5, offset: 2, nextOffset: 4 }),
      4: fleetOf([target('b-2')], { total: 5, offset: 4, nextOffset: null }),
    };
    const requests = renderFleet(first, async (request) => pages[Number(request.query?.offset)]);
    fireEvent.click(screen.getByRole('button', { name: 'All 5 targets and why' }));
    const drawer = await screen.findByRole('dialog');
    const listed = () => within(drawer).getAllByRole('listitem').map((item) => item.getAttribute('aria-label'));
    expect(listed()).toEqual(['a-1', 'a-2']);
    expect(requests).toEqual([]);
    fireEvent.click(within(drawer).getByRole('button', { name: 'Show more (3 not shown)' }));
    await waitFor(() => expect(listed()).toEqual(['a-1', 'a-2', 'a-3', 'b-1']));
    fireEvent.click(within(drawer).getByRole('button', { name: 'Show more (1 not shown)' }));
    await waitFor(() => expect(listed()).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'b-2']));
    expect(within(drawer).queryByRole('button', { name: /Show more/ })).toBeNull();
    expect(requests.map((request) => [request.path, request.query])).toEqual([['/api/v1/fleet/health', { offset: 2 }], ['/api/v1/fleet/health', { offset: 4 }]]);
  });
});
