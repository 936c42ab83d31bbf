import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import type { Incident } from '../../../../shared/api/incidents.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { onAPhone } from '../../test/phone-screen.ts';
import { IncidentsView } from './IncidentsView.tsx';

// The cards are not what the paging test reads, and hundreds of them are slow to draw in jsdom.
vi.mock('./IncidentCards.tsx', () => ({
  IncidentCards: ({ incidents }: { incidents: Incident[] }) => <ul>{incidents.map((one) => <li key={one.id}>{one.title}</li>)}</ul>,
}));

function incident(id: number): Incident {
  return {
    id, title: `Incident ${id}`, status: 'open', severity: 'warning', groupKey: `alertname=A${id}`, commander: null, alertCount: 1, firingCount: 1,
    openedAt: 0, updatedAt: 0, lastActivityAt: 0, resolvedAt: null, mitigatedAt: null, mergedInto: null,
  };
}

/** A server with `total` active incidents, answering each page by its offset and limit. */
function renderWithIncidents(total: number) {
  const asked: Array<[number, number]> = [];
  const answer = async (request?: unknown) => {
    const { query } = request as { query?: { limit?: number; offset?: number } };
    const limit = query?.limit ?? 50;
    const offset = query?.offset ?? 0;
    asked.push([offset, limit]);
    const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => incident(total - offset - i));
    return { items, total, limit, offset };
  };
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <IncidentsView />
      </SessionProvider>
    </PlatformProvider>,
  );
  return asked;
}

function renderEmpty() {
  const answer = async () => ({ items: [], total: 0, limit: 200, offset: 0 });
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <IncidentsView />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('IncidentsView', () => {
  // A search that matched nothing explained how incidents are made ("No incidents: alerts
  // that fire together are grouped...") as if there were none at all.
  it('says a search matched nothing, and clears it', async () => {
    renderEmpty();
    expect(await screen.findByText('No incidents')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search incidents'), { target: { value: 'db-17' } });
    expect(await screen.findByText('No incident title matches “db-17”')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear search' }));
    expect((screen.getByLabelText('Search incidents') as HTMLInputElement).value).toBe('');
    expect(await screen.findByText('No incidents')).toBeTruthy();
  });

  // With 213 incidents open the list stopped at 200 and said nothing: the 13 oldest could not
  // be reached from it at all.
  it('shows more of a long list on request, page by page, to the last incident', async () => {
    onAPhone();
    const asked = renderWithIncidents(450);
    expect(await screen.findByText('Incident 251')).toBeTruthy();
    expect(screen.queryByText('Incident 250')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show 200 more (250 not shown)' }));
    expect(await screen.findByText('Incident 51')).toBeTruthy();
    // The incidents already read stay while the next ones load.
    fireEvent.click(screen.getByRole('button', { name: 'Show 50 more (50 not shown)' }));
    expect(screen.getByText('Incident 450')).toBeTruthy();
    expect(await screen.findByText('Incident 1')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Show \d+ more/ })).toBeNull();
    expect(asked).toEqual([[0, 200], [200, 200], [400, 200]]);
  });
});
