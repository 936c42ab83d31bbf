import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { recordPauses } from './pauses.ts';

// The `gc` function without a start-up flag, as observability/idle-memory.ts gets it.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type?: 'major' | 'minor'; execution?: 'sync' }) => void;

/** Resolves once a GC entry of `kind` has been delivered to performance observers (delivery is asynchronous). */
function delivered(kind: number): Promise<void> {
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((entry) => (entry as unknown as { detail: { kind: number } }).detail.kind === kind)) {
        observer.disconnect();
        resolve();
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  });
}

describe('recordPauses', () => {
  it('counts full collections and names them by their kind', async () => {
    const stop = recordPauses();
    const major = delivered(constants.NODE_PERFORMANCE_GC_MAJOR);
    gc({ type: 'major', execution: 'sync' });
    gc({ type: 'major', execution: 'sync' });
    await major;
    const pauses = stop();
    // Counted by Node's constant: a literal 2 (V8's minor mark-sweep) found none.
    expect(pauses.gc.full).toBeGreaterThanOrEqual(2);
    expect(pauses.gc.count).toBeGreaterThanOrEqual(pauses.gc.full);
    // A full collection of the test's heap outlasts anything else in the window; it was labelled "incremental marking".
    expect(pauses.gc.maxKind).toBe('mark-compact');
  });
});
