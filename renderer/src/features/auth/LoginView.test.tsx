import { describe, expect, it, vi } from 'vitest';
import { screen, fireEvent } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import { createApiClient } from '../../../../shared/api/client.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import type { Platform } from '../../platform/types.ts';
import { LoginView } from './LoginView.tsx';

function platformRefusing(code: 'E_AUTH_INVALID' | 'E_LOCKED_OUT'): Platform {
  return {
    kind: 'web',
    api: createApiClient(async () => null),
    bridge: null,
    restoreSession: async () => ({ state: 'signed-out' }),
    signIn: vi.fn(async () => { throw new AppError(code); }),
    signOut: async () => ({ state: 'signed-out' }),
    changePassword: async () => ({ state: 'signed-out' }),
    onSessionChange: () => () => undefined,
    openStream: () => () => undefined,
  };
}

describe('LoginView', () => {
  it('shows why sign-in failed, with the code and what to do', async () => {
    const platform = platformRefusing('E_LOCKED_OUT');
    renderWithProviders(
      <PlatformProvider platform={platform}>
        <SessionProvider>
          <LoginView />
        </SessionProvider>
      </PlatformProvider>,
    );
    fireEvent.change(screen.getByLabelText(/Username/), { target: { value: 'ops' } });
    fireEvent.change(screen.getByLabelText(/^Password/), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('E_LOCKED_OUT')).toBeTruthy();
    expect(screen.getByText(/Wait a few minutes/)).toBeTruthy();
    expect(platform.signIn).toHaveBeenCalledWith('ops', 'wrong');
    expect((screen.getByLabelText(/^Password/) as HTMLInputElement).value).toBe('');
  });
});
