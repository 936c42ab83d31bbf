import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ApiRequest } from '../../../../shared/api/client.ts';
import type { User } from '../../../../shared/api/auth.ts';
import type { UserLockout } from '../../../../shared/api/users.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { webPlatform } from '../../test/web-platform.ts';
import { formatTime } from '../../lib/format.ts';
import { onAPhone } from '../../test/phone-screen.ts';
import { UsersView } from './UsersView.tsx';

const kate: User = { id: 7, username: 'kate', role: 'operator', disabled: false, mustChangePassword: false, createdAt: Date.UTC(2026, 10, 1) };
const omar: User = { id: 8, username: 'omar', role: 'viewer', disabled: false, mustChangePassword: false, createdAt: Date.UTC(2026, 10, 2) };
const until = Date.UTC(2026, 11, 7, 15, 42);

/** A server with two users, kate locked out from strangers' addresses and from her office's. */
function renderUsers() {
  const requests: ApiRequest[] = [];
  let lockouts: UserLockout[] = [
    { userId: 7, username: 'kate', address: null, failures: 5, lockedUntil: until - 60_000 },
    { userId: 7, username: 'kate', address: '10.0.0.5', failures: 5, lockedUntil: until },
  ];
  const answer = async (request: ApiRequest) => {
    requests.push(request);
    if (request.path === '/api/v1/users') return { users: [kate, omar] };
    if (request.path === '/api/v1/users/lockouts') return { lockouts };
    if (request.method === 'DELETE' && request.path === '/api/v1/users/7/lockout') {
      lockouts = [];
      return { userId: 7, cleared: 2 };
    }
    throw new Error(`unexpected ${request.method} ${request.path}`);
  };
  renderWithProviders(
    <PlatformProvider platform={webPlatform(answer as () => Promise<unknown>)}>
      <SessionProvider>
        <UsersView />
      </SessionProvider>
    </PlatformProvider>,
  );
  return requests;
}

describe('UsersView lockouts', () => {
  it('says who is locked out, until when and from where, and lifts the lock on Unlock', async () => {
    const requests = renderUsers();
    expect(await screen.findByText(`Locked out until ${formatTime(until)} after wrong passwords (new addresses, 10.0.0.5)`)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Let omar sign in again' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Let kate sign in again' }));
    await waitFor(() => expect(screen.queryByText(/Locked out until/)).toBeNull());
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/api/v1/users/7/lockout']);
    expect(screen.queryByRole('button', { name: 'Let kate sign in again' })).toBeNull();
  });

  // On a phone each user is a card named by the username, and the username's column is left
  // out of it: the lock went with it, so only a bare Unlock button said anything was wrong.
  it('says who is locked out on a phone too', async () => {
    onAPhone();
    renderUsers();
    expect(await screen.findByText(`Locked out until ${formatTime(until)} after wrong passwords (new addresses, 10.0.0.5)`)).toBeTruthy();
  });
});
