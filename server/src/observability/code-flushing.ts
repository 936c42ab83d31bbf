import v8 from 'node:v8';

/** The V8 flag this module sets (exported for the test that checks this Node knows it). */
export const FLUSH_BASELINE_CODE_FLAG = '--flush-baseline-code';

let applied = false;

/**
 * Lets V8 drop the Sparkplug baseline code of functions that have not run for a while, once
 * per process (read by V8 at every full collection, so setting it at run time takes effect).
 *
 * Why: V8 already drops such functions' bytecode (`--flush-bytecode`, on by default) but
 * keeps their baseline code. The server runs much of its code once or in bursts (start-up,
 * migrations, an ingest, a back-fill), then idles; letting that code go too holds 4–5 MiB
 * less once idle: `bench:peer-query`, A/B in one run, 131–132 against 135–136 MiB resident
 * (V8's heap 38–39 against 42–43 MiB), and no CPU per request beyond the rounds' noise
 * (docs/benchmarks.md, "Idle memory, seventh round"). A flushed function called again is
 * compiled again from its source, as after bytecode flushing.
 */
export function flushIdleBaselineCode(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString(FLUSH_BASELINE_CODE_FLAG);
}
