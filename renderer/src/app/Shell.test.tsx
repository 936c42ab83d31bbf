import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import type { User } from '../../../shared/api/auth.ts';
import { renderWithProviders } from '../test/render.tsx';
import { PlatformProvider } from '../platform/PlatformContext.tsx';
import { SessionProvider } from '../session/SessionProvider.tsx';
import { webPlatform } from '../test/web-platform.ts';
import { onAPhone } from '../test/phone-screen.ts';
import { Shell } from './Shell.tsx';

const admin: User = { id: 1, username: 'admin', role: 'admin', disabled: false, mustChangePassword: false, createdAt: Date.UTC(2026, 10, 1) };

function renderShell() {
  renderWithProviders(
    <PlatformProvider platform={webPlatform(async () => { throw new Error('no server in this test'); })}>
      <SessionProvider>
        <Shell user={admin} />
      </SessionProvider>
    </PlatformProvider>,
  );
}

describe('Shell: the ChatOps button', () => {
  // On a phone a button floating over the bottom right corner covered whatever scrolled
  // under it (a card's Acknowledge, the navigation's last link): there it sits in the header.
  it('is in the header on a phone, and the page keeps no room at its end for it', () => {
    onAPhone();
    renderShell();
    expect(within(screen.getByRole('banner')).getByRole('button', { name: 'Open ChatOps chat' })).toBeTruthy();
    expect(screen.getByRole('main').style.paddingBottom).toBe('');
  });

  it('floats over the bottom right corner on a wide screen, the page leaving room for it', () => {
    renderShell();
    expect(within(screen.getByRole('banner')).queryByRole('button', { name: 'Open ChatOps chat' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Open ChatOps chat' })).toBeTruthy();
    expect(screen.getByRole('main').style.paddingBottom).toContain('2.75rem');
  });
});
