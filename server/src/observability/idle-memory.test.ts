import { describe, expect, it } from 'vitest';
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

  it('lets the caches go first when it collects', async () => {
    let burst: { i: number; s: string }[] = [];
    for (let i = 0; i < 1_500_000; i++) burst.push({ i, s: `sample-${i}` });
    burst = [];
    expect(burst).toHaveLength(0);
    let released = 0;
    let heapAtRelease = 0;
    const stop = startIdleMemoryRelease({ intervalMs: 100, idleCpuShare: 1, slackBytes: 16 * 1_048_576, release: () => { released++; heapAtRelease = process.memoryUsage().heapTotal; } });
    try {
      const deadline = Date.now() + 30_000;
      while (released === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(released).toBeGreaterThanOrEqual(1);
      // The collection after it gave the burst's heap back.
      while (process.memoryUsage().heapTotal > heapAtRelease / 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(process.memoryUsage().heapTotal).toBeLessThan(heapAtRelease / 2);
    } finally {
      stop();
    }
  });
});
