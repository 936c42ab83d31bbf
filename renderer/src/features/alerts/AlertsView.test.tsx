import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import type { Alert } from '../../../../shared/api/alerts.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { onAPhone } from '../../test/phone-screen.ts';
import { AlertsView } from './AlertsView.tsx';

// The table's rows are not what this tests, and 500 of them take jsdom half a minute to draw:
// a plain list of titles stands in for it.
vi.mock('./AlertsTable.tsx', () => ({
  AlertsTable: ({ alerts }: { alerts: Alert[] }) => <ul>{alerts.map((one) => <li key={one.id}>{one.annotations.summary}</li>)}</ul>,
}));

function alert(id: number): Alert {
  return {
    id, fingerprint: `f${id}`, source: 'api', state: 'firing', severity: 'warning', labels: { alertname: 'DiskFull', host: `node-${id}` },
    annotations: { summary: `Disk almost full on node-${id}` }, startsAt: 0, endsAt: null, lastSeenAt: 0, updatedAt: 0, occurrences: 1,
    silenced: false, silencedBy: [], acknowledgedBy: null, acknowledgedAt: null, ackComment: null, incidentId: null, generatorUrl: null,
  };
}

/** A server with `total` firing alerts, answering each list request with up to its limit. */
function renderWithFiring(total: number) {
  const limits: number[] = [];
  const answer = async (request?: unknown) => {
    const { path, query } = request as { path: string; query?: { limit?: number } };
    if (path !== '/api/v1/alerts') return null;
    const limit = query?.limit ?? 50;
    limits.push(limit);
    return { items: Array.from({ length: Math.min(limit, total) }, (_, i) => alert(i + 1)), total, limit, offset: 0 };
  };
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <AlertsView />
      </SessionProvider>
    </PlatformProvider>,
  );
  return limits;
}

describe('AlertsView', () => {
  // With 478 alerts firing the list stopped at 200 and said "narrow the filters": the
  // other 278 could not be reached from the list at all.
  it('shows more of a long list on request, up to what the server gives in one answer', async () => {
    const limits = renderWithFiring(1000);
    expect(await screen.findByText('Disk almost full on node-200')).toBeTruthy();
    expect(screen.queryByText('Disk almost full on node-201')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show 200 more (800 not shown)' }));
    expect(await screen.findByText('Disk almost full on node-400')).toBeTruthy();
    // The rows already read stay while the next ones load.
    fireEvent.click(screen.getByRole('button', { name: 'Show 100 more (600 not shown)' }));
    expect(screen.getByText('Disk almost full on node-400')).toBeTruthy();
    expect(await screen.findByText('Disk almost full on node-500')).toBeTruthy();
    // 500 is the most one answer holds (AlertListQuery's limit): past it, filters are the way.
    expect(screen.queryByRole('button', { name: /^Show \d+ more/ })).toBeNull();
    expect(screen.getByText('Showing 500 of 1000; narrow the filters to see the rest.')).toBeTruthy();
    expect(limits).toEqual([200, 400, 500]);
  });

  // A viewer read "a to acknowledge, s to silence, x to select" over a list where those keys
  // do nothing for them (no checkboxes, no acknowledge).
  it('offers only the keys the role can use', async () => {
    renderWithFiring(3);
    expect(await screen.findByText('Disk almost full on node-3')).toBeTruthy();
    expect(screen.getByText('j/k to move, Enter to open.')).toBeTruthy();
  });

  // A search that matched nothing said "Nothing is firing. All quiet." while 478 alerts fired:
  // the one place an on-call engineer must not be told that by mistake.
  it('says a search matched nothing, not that all is quiet, and clears it', async () => {
    renderWithFiring(0);
    expect(await screen.findByText('Nothing is firing')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search alerts'), { target: { value: 'node-9999' } });
    expect(await screen.findByText('No firing alert matches these filters')).toBeTruthy();
    expect(screen.queryByText('Nothing is firing')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect((screen.getByLabelText('Search alerts') as HTMLInputElement).value).toBe('');
    expect(await screen.findByText('Nothing is firing')).toBeTruthy();
  });
});

describe('AlertsView on a phone', () => {
  // The severity, search and sort boxes were 240, 240 and 170 px at 390 px, each on a line of
  // its own with a strip beside it: on a phone they take the screen's width.
  it('gives the filters the whole width', async () => {
    onAPhone();
    renderWithFiring(3);
    expect(await screen.findByText('Disk almost full on node-3')).toBeTruthy();
    const widths = ['Severity', 'Search alerts', 'Sort by'].map((label) => (screen.getAllByLabelText(label).find((element) => element.tagName === 'INPUT')!.closest('.mantine-InputWrapper-root') as HTMLElement).style.width);
    expect(widths).toEqual(['100%', '100%', '100%']);
    // The state tabs too: "full width" inside the row of filters was only as wide as its labels.
    expect((screen.getByRole('radiogroup', { name: 'Alert state' }).closest('.mantine-SegmentedControl-root') as HTMLElement).style.width).toBe('100%');
  });
});
