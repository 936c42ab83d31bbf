import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface Pauses {
  /** Garbage collections that paused this thread, by V8's kind. */
  gc: { count: number; over5Ms: number; maxMs: number; maxKind: string; /** Full (mark-compact) collections: each marks the whole heap, most of it on V8's background threads. */ full: number };
  /** How late this thread's event loop ran timers (1 ms resolution). */
  loopDelay: { p99Ms: number; maxMs: number };
}

// Node's constants (V8's GCType bits), not literals: 2 is V8's minor mark-sweep, not a full collection.
const MARK_COMPACT = constants.NODE_PERFORMANCE_GC_MAJOR;
const GC_KIND: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [MARK_COMPACT]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * Records this thread's GC pauses and event-loop delay until the returned function is
 * called. A benchmark's latency tail is often not the code under test but a pause of the
 * process it runs in; printing the pauses beside the tail tells the two apart.
 */
export function recordPauses(): () => Pauses {
  const durations: Array<{ ms: number; kind: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push({ ms: entry.duration, kind: (entry as PerformanceEntry & { detail: { kind: number } }).detail.kind });
  });
  observer.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  return () => {
    observer.disconnect();
    delay.disable();
    const longest = durations.reduce((max, d) => (d.ms > max.ms ? d : max), { ms: 0, kind: 0 });
    const round2 = (value: number) => Math.round(value * 100) / 100;
    return {
      gc: { count: durations.length, over5Ms: durations.filter((d) => d.ms > 5).length, maxMs: round2(longest.ms), maxKind: durations.length === 0 ? 'none' : (GC_KIND[longest.kind] ?? String(longest.kind)), full: durations.filter((d) => d.kind === MARK_COMPACT).length },
      loopDelay: { p99Ms: round2(delay.percentile(99) / 1e6), maxMs: round2(delay.max / 1e6) },
    };
  };
}
