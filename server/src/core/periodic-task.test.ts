import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from './periodic-task.ts';

/** A run the test finishes when it chooses. */
function gate(): { promise: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('PeriodicTask', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at every tick, skipping ticks while a run is in flight', async () => {
    const gates: Array<ReturnType<typeof gate>> = [];
    const task = new PeriodicTask(
      () => {
        const g = gate();
        gates.push(g);
        return g.promise;
      },
      { everyMs: 100, onError: () => undefined },
    );
    task.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(gates).toHaveLength(1);
    // Three more ticks while the first run hangs: none of them starts a second run.
    await vi.advanceTimersByTimeAsync(300);
    expect(gates).toHaveLength(1);
    gates[0]!.open();
    await vi.advanceTimersByTimeAsync(100);
    expect(gates).toHaveLength(2);
    gates[1]!.open();
    await task.stop();
  });

  it('reports a failed run and tries again at the next tick', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const task = new PeriodicTask(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database away');
      },
      { everyMs: 50, onError: (error) => errors.push(error) },
    );
    task.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database away']);
    await vi.advanceTimersByTimeAsync(50);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await task.stop();
  });

  it('runNow answers the run in flight; stop waits for it and ends the ticks', async () => {
    const g = gate();
    let calls = 0;
    const task = new PeriodicTask(
      () => {
        calls++;
        return g.promise;
      },
      { everyMs: 10, onError: () => undefined },
    );
    task.start();
    const first = task.runNow();
    expect(task.runNow()).toBe(first);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    g.open();
    await stopping;
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(1);
  });

  it('a run that throws before its first await is reported, not thrown at the caller', async () => {
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      (() => {
        throw new Error('at once');
      }) as () => Promise<void>,
      { everyMs: 10, onError: (error) => errors.push(error) },
    );
    await task.runNow();
    expect(errors).toHaveLength(1);
  });
});
