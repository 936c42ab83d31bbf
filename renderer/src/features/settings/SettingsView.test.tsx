import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../../shared/api/client.ts';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { UpdateSettings, UpdateStatus } from '../../../../shared/ipc/channels/updates.ts';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import type { Platform } from '../../platform/types.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { SettingsView } from './SettingsView.tsx';

/** The server side of the console: only GET /api/v1/version is asked for here. */
const api = createApiClient(async ({ path }) => {
  if (path === '/api/v1/version') return { name: 'smartcloudops-server', version: '1.4.2', node: '24.21.0' };
  throw new Error(`unexpected ${path}`);
});

/** Main's side of the updates channels (Electron cannot run here): a small state machine. */
function updatesBridge() {
  const listeners = new Set<(status: UpdateStatus) => void>();
  let status: UpdateStatus = { state: 'available', currentVersion: '1.0.0', availableVersion: '1.2.0', progress: null, errorMessage: null, releaseNotes: 'Faster timeline\n• fixes' };
  let settings: UpdateSettings = { checkAutomatically: true };
  const calls: string[] = [];
  const emit = (change: Partial<UpdateStatus>) => {
    status = { ...status, ...change };
    listeners.forEach((listener) => listener(status));
  };
  const ok = <T,>(value: T) => Promise.resolve({ ok: true as const, value });
  const bridge = {
    updates: {
      status: () => ok(status),
      check: () => ok(status),
      download: () => {
        calls.push('download');
        emit({ state: 'downloading', progress: { percent: 0, transferred: 0, total: 4_194_304, bytesPerSecond: 0 } });
        return ok(status);
      },
      install: () => {
        calls.push('install');
        return ok(null);
      },
      settings: () => ok(settings),
      setSettings: (next: UpdateSettings) => {
        calls.push(`settings:${next.checkAutomatically}`);
        settings = next;
        return ok(settings);
      },
      onChanged: (listener: (status: UpdateStatus) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  } as unknown as SmartCloudOpsBridge;
  return { bridge, emit, calls };
}

const platformOf = (kind: 'web' | 'desktop', bridge: SmartCloudOpsBridge | null) => ({ kind, api, bridge }) as unknown as Platform;

// Generous: rendering Mantine under jsdom is slow on a busy machine; nothing here is timed.
describe('settings', { timeout: 60_000 }, () => {
  it('in the browser: the server version and nothing desktop-only', async () => {
    renderWithProviders(<PlatformProvider platform={platformOf('web', null)}><SettingsView /></PlatformProvider>);
    expect(await screen.findByText('Server version 1.4.2 (Node.js 24.21.0)')).toBeTruthy();
    expect(screen.queryByText('Updates')).toBeNull();
    expect(screen.queryByRole('button', { name: /update/i })).toBeNull();
  });

  it('in the desktop app: update available with notes, download with progress, restart to update, automatic checks', async () => {
    const user = userEvent.setup();
    const { bridge, emit, calls } = updatesBridge();
    renderWithProviders(<PlatformProvider platform={platformOf('desktop', bridge)}><SettingsView /></PlatformProvider>);
    expect(await screen.findByText('Update available: version 1.2.0')).toBeTruthy();
    expect(screen.getByLabelText('Release notes').textContent).toBe('Faster timeline\n• fixes');
    expect(screen.getByText('Server version 1.4.2 (Node.js 24.21.0)')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Download update' }));
    expect(calls).toContain('download');
    act(() => emit({ progress: { percent: 50, transferred: 2_097_152, total: 4_194_304, bytesPerSecond: 1000 } }));
    expect(await screen.findByText('50% of 4.0 MB')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Download progress' }).getAttribute('aria-valuenow')).toBe('50');

    act(() => emit({ state: 'downloaded', progress: null }));
    expect(await screen.findByText('Version 1.2.0 is ready to install.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Restart to update' }));
    expect(calls).toContain('install');

    const automatic = screen.getByRole('switch', { name: /Check for updates automatically/ }) as HTMLInputElement;
    expect(automatic.checked).toBe(true);
    await user.click(automatic);
    await waitFor(() => expect(automatic.checked).toBe(false));
    expect(calls).toContain('settings:false');
  });

  it('shows a refused download as an error', async () => {
    const { bridge, emit } = updatesBridge();
    renderWithProviders(<PlatformProvider platform={platformOf('desktop', bridge)}><SettingsView /></PlatformProvider>);
    await screen.findByText('Update available: version 1.2.0');
    act(() => emit({ state: 'error', errorMessage: 'sha512 checksum mismatch, expected abc, got def' }));
    expect(await screen.findByText(/sha512 checksum mismatch/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Restart to update' })).toBeNull();
  });
});
