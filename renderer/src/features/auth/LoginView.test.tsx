import { describe, expect, it, vi } from 'vitest';
import { screen, fireEvent } from '@testing-library/react';
import { AppError } from '../../../../shared/errors.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import type { Platform } from '../../platform/types.ts';
import { webPlatform } from '../../test/web-platform.ts';
import { LoginView } from './LoginView.tsx';

function platformRefusing(code: 'E_AUTH_INVALID' | 'E_LOCKED_OUT'): Platform {
  return webPlatform(undefined, {
    signIn: vi.fn(async () => {
      throw new AppError(code);
    }),
  });
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

  // The sign-in page had no heading at all (axe: page-has-heading-one).
  it('is headed by where it signs in to', () => {
    renderWithProviders(
      <PlatformProvider platform={webPlatform()}>
        <SessionProvider>
          <LoginView serverLabel="ops.example.com" />
        </SessionProvider>
      </PlatformProvider>,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Sign in to ops.example.com');
  });
});
