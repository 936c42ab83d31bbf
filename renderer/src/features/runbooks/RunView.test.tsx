import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { RunView } from './RunView.tsx';

function renderRun(id: string, answer: () => Promise<unknown>) {
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer)}>
      <SessionProvider>
        <RunView params={{ id }} />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('RunView', () => {
  // A run opened from a link in a chat or a notification may be gone (or on another server):
  // the page said so and stopped there, with no way back but the browser's.
  it('offers the way back to the runbooks when the run cannot be loaded', async () => {
    renderRun('999', async () => { throw new AppError('E_NOT_FOUND', 'No runbook run 999.'); });
    expect(await screen.findByText('No runbook run 999.')).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Runbooks' }).getAttribute('href')).toBe('#/runbooks');
  });

  it('offers it while the run loads', async () => {
    renderRun('999', () => new Promise(() => undefined));
    expect(await screen.findByRole('link', { name: '← Runbooks' })).toBeTruthy();
  });

  it('offers it for an address that is not a run number', async () => {
    renderRun('latest', () => new Promise(() => undefined));
    expect(await screen.findByText('No such run')).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Runbooks' })).toBeTruthy();
  });
});
