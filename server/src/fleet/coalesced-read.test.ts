import { describe, expect, it } from 'vitest';
import { coalescedRead } from './coalesced-read.ts';

/** A read the test finishes by hand, counting how often it was started. */
function manualReads() {
  const started: Array<{ resolve: (value: number) => void; reject: (error: Error) => void; monotonicAt: number }> = [];
  let monotonic = 0;
  return {
    started,
    read: () => new Promise<number>((resolve, reject) => started.push({ resolve, reject, monotonicAt: monotonic })),
    monotonic: () => monotonic,
    advance: (ms: number) => (monotonic += ms),
  };
}

describe('coalescedRead', () => {
  it('gives every request that comes while a read runs the same answer, and keeps it while nothing changes', async () => {
    const reads = manualReads();
    let now = 0;
    const fleet = coalescedRead({ read: reads.read, idleFactor: 2, maxIdleMs: 1_000, maxAgeMs: 5_000, now: () => now, monotonic: reads.monotonic });
    const asked = [fleet.get(), fleet.get(), fleet.get()];
    await expect.poll(() => reads.started.length).toBe(1);
    reads.started[0]!.resolve(1);
    expect(await Promise.all(asked)).toEqual([1, 1, 1]);
    now += 4_999;
    expect(await fleet.get()).toBe(1);
    expect(reads.started).toHaveLength(1);
    // Older than maxAgeMs by the server's clock: time alone may have made a target silent.
    now += 1;
    const later = fleet.get();
    await expect.poll(() => reads.started.length).toBe(2);
    reads.started[1]!.resolve(2);
    expect(await later).toBe(2);
  });

  it('never answers a request from a read that started before a change it could have seen', async () => {
    const reads = manualReads();
    const fleet = coalescedRead({ read: reads.read, idleFactor: 0, maxIdleMs: 0, maxAgeMs: 60_000, now: () => 0, monotonic: reads.monotonic });
    const before = fleet.get();
    await expect.poll(() => reads.started.length).toBe(1);
    // A change while the first read runs: a request after it must not share that read.
    fleet.changed();
    const after = fleet.get();
    const alsoAfter = fleet.get();
    reads.started[0]!.resolve(1);
    expect(await before).toBe(1);
    await expect.poll(() => reads.started.length).toBe(2);
    reads.started[1]!.resolve(2);
    expect(await after).toBe(2);
    expect(await alsoAfter).toBe(2);
    // Nothing changed since: the answer is reused.
    expect(await fleet.get()).toBe(2);
    expect(reads.started).toHaveLength(2);
  });

  it('in a storm of changes leaves twice the read\'s time idle between reads, at most maxIdleMs', async () => {
    const reads = manualReads();
    const fleet = coalescedRead({ read: reads.read, idleFactor: 2, maxIdleMs: 1_000, maxAgeMs: 60_000, now: () => 0, monotonic: reads.monotonic });
    const first = fleet.get();
    await expect.poll(() => reads.started.length).toBe(1);
    reads.advance(10); // the read took 10 ms
    reads.started[0]!.resolve(1);
    await first;
    fleet.changed();
    const second = fleet.get();
    // Idle for 20 ms (real, by setTimeout) before the next read starts.
    await expect.poll(() => reads.started.length).toBe(2);
    reads.started[1]!.resolve(2);
    expect(await second).toBe(2);

    // An expensive read (600 ms): the next waits at most maxIdleMs, not 1,200 ms.
    fleet.changed();
    const third = fleet.get();
    await expect.poll(() => reads.started.length).toBe(3);
    reads.advance(600);
    reads.started[2]!.resolve(3);
    await third;
    fleet.changed();
    const startedAt = performance.now();
    const fourth = fleet.get();
    await expect.poll(() => reads.started.length, { timeout: 5_000 }).toBe(4);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990);
    reads.started[3]!.resolve(4);
    expect(await fourth).toBe(4);
  });

  it('hands a failed read\'s error to its askers, and reads again for the next', async () => {
    const reads = manualReads();
    const fleet = coalescedRead({ read: reads.read, idleFactor: 0, maxIdleMs: 0, maxAgeMs: 60_000, now: () => 0, monotonic: reads.monotonic });
    const failed = fleet.get();
    await expect.poll(() => reads.started.length).toBe(1);
    reads.started[0]!.reject(new Error('database busy'));
    await expect(failed).rejects.toThrow('database busy');
    const retried = fleet.get();
    await expect.poll(() => reads.started.length).toBe(2);
    reads.started[1]!.resolve(7);
    expect(await retried).toBe(7);
  });
});
