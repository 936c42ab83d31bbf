import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { IncidentsView } from './IncidentsView.tsx';

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
});
