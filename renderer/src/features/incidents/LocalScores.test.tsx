import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { SmartCloudOpsBridge } from '../../../../shared/ipc/bridge.ts';
import type { PinnedSeries } from '../../../../shared/ipc/channels/cache.ts';
import { PlatformProvider } from '../../platform/PlatformContext.tsx';
import type { Platform } from '../../platform/types.ts';
import { renderWithProviders } from '../../test/render.tsx';
import { LocalScores, scoresPollInterval } from './LocalScores.tsx';

const T0 = 1_700_000_000_000;
const ts = [T0, T0 + 60_000, T0 + 120_000];
const pinned = (scores: (number | null)[]): PinnedSeries => ({ incidentId: 3, fromTs: T0, toTs: T0 + 120_000, series: [{ seriesId: 1, name: 'disk_used_ratio', labels: { host: 'db-1' }, ts, values: [0.5, 0.6, 0.7], scores }] });

describe('local anomaly scores', () => {
  it('polls the profile copy until every sample is scored, and never a capsule (nothing scores it after import)', () => {
    expect(scoresPollInterval('profile', pinned([0.1, null, null]))).toBe(5_000);
    expect(scoresPollInterval('profile', pinned([0.1, 0.2, 0.9]))).toBe(false);
    expect(scoresPollInterval('capsules', pinned([null, null, null]))).toBe(false);
    expect(scoresPollInterval('profile', null)).toBe(false);
  });

  it("says a capsule's unscored series is not scored, not that it is being scored", async () => {
    const bridge = { cache: { pinnedSeries: async () => ({ ok: true, value: pinned([null, null, null]) }) } } as unknown as SmartCloudOpsBridge;
    renderWithProviders(
      <PlatformProvider platform={{ kind: 'desktop', bridge } as unknown as Platform}>
        <LocalScores incidentId={3} origin="capsules" />
      </PlatformProvider>,
    );
    expect(await screen.findByText('not scored')).toBeTruthy();
    expect(screen.getByText('0 of 0 scored (3 kept)')).toBeTruthy();
    expect(screen.queryByText('scoring…')).toBeNull();
  });
});
