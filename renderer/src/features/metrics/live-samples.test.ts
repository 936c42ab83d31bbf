import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { LIVE_WINDOW_KEY, appendPoints, applySamples, type LiveWindowData } from './live-samples.ts';

const series = (id: number, timestamps: number[]) => ({ id, name: 'cpu', labels: { host: `h${id}` }, timestamps, values: timestamps.map((t) => t / 1000) });

describe('live samples into the cache', () => {
  it('appends new points, skips replays and trims what scrolled out of the window', () => {
    const next = appendPoints(series(1, [1000, 2000, 3000]), [
      { seriesId: 1, name: 'cpu', labels: {}, ts: 3000, value: 99 },
      { seriesId: 1, name: 'cpu', labels: {}, ts: 5000, value: 5 },
    ], 2500);
    expect(next.timestamps).toEqual([3000, 5000]);
    expect(next.values).toEqual([3, 5]);
  });

  it('updates only the live windows that show the series, immutably', () => {
    const queryClient = new QueryClient();
    const shown: LiveWindowData = { windowMs: 60_000, series: [series(1, [1000]), series(2, [1000])] };
    const other: LiveWindowData = { windowMs: 60_000, series: [series(3, [1000])] };
    queryClient.setQueryData([...LIVE_WINDOW_KEY, { match: 'a' }], shown);
    queryClient.setQueryData([...LIVE_WINDOW_KEY, { match: 'b' }], other);
    applySamples(queryClient, [{ seriesId: 1, name: 'cpu', labels: {}, ts: 2000, value: 7 }]);
    const after = queryClient.getQueryData<LiveWindowData>([...LIVE_WINDOW_KEY, { match: 'a' }]);
    expect(after?.series[0]?.values).toEqual([1, 7]);
    expect(after?.series[1]).toBe(shown.series[1]);
    expect(queryClient.getQueryData([...LIVE_WINDOW_KEY, { match: 'b' }])).toBe(other);
  });
});
