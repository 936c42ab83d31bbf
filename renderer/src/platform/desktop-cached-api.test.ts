import { describe, expect, it, vi } from 'vitest';
import { renderHook } from '@testing-library/react';
import type { SmartCloudOpsBridge } from '../../../shared/ipc/bridge.ts';
import { createDesktopPlatform } from './desktop-platform.ts';
import { useCacheFreshness } from './cache-freshness.ts';

describe('desktop reads through the local cache', () => {
  it('answers incidents from the cache when main says so, and reports how fresh it is', async () => {
    const page = { items: [], total: 0, limit: 50, offset: 0 };
    const incidents = vi.fn(async () => ({ ok: true, value: { data: page, source: 'cache', freshAsOf: 1_000 } }));
    const request = vi.fn();
    const platform = createDesktopPlatform({ api: { request }, cache: { incidents } } as unknown as SmartCloudOpsBridge);
    const freshness = renderHook(() => useCacheFreshness());

    await expect(platform.api.incidents.list({ query: { status: 'open' } })).resolves.toEqual(page);
    expect(incidents).toHaveBeenCalledWith({ query: { status: 'open' } });
    expect(request).not.toHaveBeenCalled();
    freshness.rerender();
    expect(freshness.result.current?.freshAsOf).toBe(1_000);
  });

  it('clears the cached state once the server answers again', async () => {
    const queryRange = vi.fn(async () => ({ ok: true, value: { data: { series: [] }, source: 'server', freshAsOf: Date.now() } }));
    const platform = createDesktopPlatform({ api: { request: vi.fn() }, cache: { queryRange } } as unknown as SmartCloudOpsBridge);
    const freshness = renderHook(() => useCacheFreshness());
    await platform.api.metrics.range({ query: { match: 'up', from: 0, to: 1 } });
    freshness.rerender();
    expect(freshness.result.current).toBeNull();
  });
});
