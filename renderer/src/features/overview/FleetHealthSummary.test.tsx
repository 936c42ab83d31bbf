import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { UseQueryResult } from '@tanstack/react-query';
import type { FleetHealth, FleetTarget } from '../../../../shared/api/fleet.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { FleetHealthSummary } from './FleetHealthSummary.tsx';

function target(name: string): FleetTarget {
  return { name, health: 'healthy', sources: ['metrics'], instances: [name], lastSampleAt: 0, activeAlerts: 0, reasons: [] };
}

function renderFleet(names: string[]) {
  const fleet: FleetHealth = { generatedAt: 0, staleAfterMs: 60_000, total: names.length, healthy: names.length, unhealthy: 0, unknown: 0, targets: names.map(target) };
  // QueryState reads only these three of a query's fields.
  const query = { isPending: false, isError: false, data: fleet } as UseQueryResult<FleetHealth>;
  renderWithProviders(<FleetHealthSummary query={query} />);
}

describe('FleetHealthSummary', () => {
  // A fresh server watches itself only: the overview read "All 1 targets and why".
  it('names a single target in the singular', () => {
    renderFleet(['vm']);
    expect(screen.getByRole('button', { name: 'The 1 target and why' })).toBeTruthy();
  });

  it('names several as all of them', () => {
    renderFleet(['web-1', 'web-2', 'db-1']);
    expect(screen.getByRole('button', { name: 'All 3 targets and why' })).toBeTruthy();
  });
});
