import { describe, expect, it, vi } from 'vitest';
import { startIdleMemoryRelease } from './idle-memory.ts';

describe('startIdleMemoryRelease', () => {
  it('gives the heap a burst grew to back once the process is quiet', async () => {
    // A burst: ~100 MiB of short-lived objects, then nothing.
    let burst: { i: number; s: string }[] = [];
    for (let i = 0; i < 1_500_000; i++) burst.push({ i, s: `sample-${i}` });
    const grown = process.memoryUsage().heapTotal;
    burst = [];
    expect(burst).toHaveLength(0);
    const stop = startIdleMemoryRelease({ intervalMs: 100, idleCpuShare: 1, slackBytes: 16 * 1_048_576 });
    try {
      const deadline = Date.now() + 30_000;
      while (process.memoryUsage().heapTotal > grown / 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(process.memoryUsage().heapTotal).toBeLessThan(grown / 2);
    } finally {
      stop();
    }
  });

  it('collects after the caches let go of enough, however little slack the heap has', async () => {
    // A cache holding ~100 MiB of objects, which it lets go of when asked.
    let cache: { i: number; s: string }[] | undefined = [];
    for (let i = 0; i < 1_500_000; i++) cache.push({ i, s: `sample-${i}` });
    const held = process.memoryUsage().heapUsed;
    let asked = 0;
    const release = () => {
      asked++;
      if (!cache) return 0;
      cache = undefined;
      return 100 * 1_048_576;
    };
    const stop = startIdleMemoryRelease({ intervalMs: 100, idleCpuShare: 1, slackBytes: Number.MAX_SAFE_INTEGER, release });
    try {
      const deadline = Date.now() + 30_000;
      while (process.memoryUsage().heapUsed > held / 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked).toBeGreaterThanOrEqual(1);
      expect(process.memoryUsage().heapUsed).toBeLessThan(held / 2);
    } finally {
      stop();
    }
  });

  it('waits for a quiet period: a busy interval in between starts the count again', () => {
    vi.useFakeTimers();
    try {
      // The CPU share of each interval, in order: busy, two quiet, busy, then quiet.
      const shares = [0.5, 0, 0, 0.5, 0, 0, 0, 0, 0, 0];
      let interval = 0;
      const releasedAt: number[] = [];
      const stop = startIdleMemoryRelease({
        intervalMs: 100,
        quietIntervals: 3,
        cpuShare: () => shares[interval - 1] ?? 0,
        slackBytes: Number.MAX_SAFE_INTEGER,
        release: () => {
          releasedAt.push(interval);
          return 0;
        },
      });
      for (interval = 1; interval <= shares.length; interval++) vi.advanceTimersByTime(100);
      stop();
      // Quiet from the 5th interval on: released at the end of the 7th, then again 3 later.
      expect(releasedAt).toEqual([7, 10]);
    } finally {
      vi.useRealTimers();
    }
  });
});
