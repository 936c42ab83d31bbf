import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { IncidentMetrics } from './IncidentMetrics.tsx';

const HOSTS = ['cache-1', 'cache-2', 'cache-3', 'cache-4', 'cache-5'].map((host) => `{host="${host}"}`);
const WINDOW = { from: Date.parse('2026-12-07T10:00:00Z'), to: Date.parse('2026-12-07T11:00:00Z') };

/** The server has the series of `known` selectors only; everything else answers empty. */
function renderMetrics(selectors: string[], known: string[] = []) {
  const answer = async (request: unknown) => {
    const { path, query } = request as { path: string; query?: { match?: string } };
    if (path.endsWith('/metrics/series')) return { series: known.includes(query?.match ?? '') ? [{ name: 'up', labels: {} }] : [] };
    if (path.endsWith('/metrics/query_range')) return { series: [] };
    return { items: [] };
  };
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <IncidentMetrics incidentId={5} metricsWindow={{ ...WINDOW, selectors }} />
    </PlatformProvider>,
  );
  return screen.getByTestId('incident-metrics');
}

describe('IncidentMetrics', () => {
  it('says once that the server has none of the series, naming what was asked and what to do', async () => {
    const panel = renderMetrics(HOSTS);
    expect(await within(panel).findByText("This server has none of the incident's series")).toBeTruthy();
    expect(within(panel).getAllByTestId('empty-state')).toHaveLength(1);
    expect(within(panel).queryByText('No series match')).toBeNull();
    for (const selector of HOSTS) expect(within(panel).getByText(selector)).toBeTruthy();
    expect(panel.textContent).toMatch(/source link/);
    expect(within(panel).getByRole('link', { name: 'Browse the series this server has' }).getAttribute('href')).toBe('#/metrics');
    // No range to pick when there is nothing to chart in any range.
    expect(within(panel).queryByRole('radiogroup', { name: 'Metrics range' })).toBeNull();
  });

  it('charts the series the server has and lists the others in one line', async () => {
    const panel = renderMetrics(HOSTS, [HOSTS[1]!]);
    expect(await within(panel).findByTestId('incident-metrics-missing')).toBeTruthy();
    expect(within(panel).getAllByText(HOSTS[1]!)).toHaveLength(1);
    const missing = within(panel).getByTestId('incident-metrics-missing');
    for (const selector of [HOSTS[0]!, HOSTS[2]!, HOSTS[3]!, HOSTS[4]!]) expect(within(missing).getByText(selector)).toBeTruthy();
    expect(within(panel).queryAllByTestId('empty-state')).toHaveLength(0);
  });
});
