import { describe, expect, it, vi } from 'vitest';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import { AppError } from '../../../shared/errors.ts';
import { createDesktopPlatform, linkFromStreamState, sessionFromAuthStatus } from './desktop-platform.ts';

/** Only the bridge members these tests touch; the preload provides the real one. */
function bridgeWith(request: (payload: unknown) => Promise<unknown>): SmartCloudOpsBridge {
  return { api: { request } } as unknown as SmartCloudOpsBridge;
}

describe('the desktop platform', () => {
  it('sends API calls through the bridge without undefined filters', async () => {
    const request = vi.fn(async () => ({ ok: true, value: { series: [] } }));
    const platform = createDesktopPlatform(bridgeWith(request));
    await expect(platform.api.metrics.series({ query: { match: undefined } })).resolves.toEqual({ series: [] });
    expect(request).toHaveBeenCalledWith({ method: 'GET', path: '/api/v1/metrics/series', query: {} });
  });

  it('turns an IPC error result back into an AppError with its code', async () => {
    const platform = createDesktopPlatform(bridgeWith(async () => ({ ok: false, error: { code: 'E_FORBIDDEN', message: 'no' } })));
    const failure = await platform.api.users.list().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('E_FORBIDDEN');
  });

  it('maps main’s auth and stream states to what the console shows', () => {
    expect(sessionFromAuthStatus({ profileId: null, state: 'no-profile', method: null, user: null })).toEqual({ state: 'no-profile' });
    expect(sessionFromAuthStatus({ profileId: 'p', state: 'signed-in', method: 'password', user: null })).toEqual({ state: 'signed-out' });
    expect(linkFromStreamState({ state: 'connecting', errorCode: 'E_NETWORK' })).toEqual({ state: 'reconnecting', errorCode: 'E_NETWORK' });
    expect(linkFromStreamState({ state: 'open', errorCode: null })).toEqual({ state: 'live', errorCode: null });
  });
});
