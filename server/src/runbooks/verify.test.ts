import { describe, expect, it } from 'vitest';
import { verify, type VerifySources } from './verify.ts';

/**
 * A verify's `within` is a bound on how long the run waits (and holds its runbook's
 * concurrency). Measured on the wall clock alone, a clock stepped back an hour during the
 * verify kept the run verifying for that hour more.
 */
describe('verify within a clock that steps back', () => {
  it('still ends once `within` has passed', async () => {
    // The wall clock, an hour behind after the first read (NTP stepping it back).
    let offset = 0;
    const clock = () => Date.now() + offset;
    let reads = 0;
    const sources: VerifySources = {
      get: async () => ({
        read: () => {
          reads += 1;
          if (reads === 1) offset -= 3_600_000;
          return [{ labels: { service: 'web' }, ts: clock(), value: 0 }];
        },
      }),
    };
    const outcome = await verify({ source: 'metrics', query: 'up', op: '==', threshold: 1, withinMs: 300 }, sources, { now: clock, intervalMs: 50, signal: new AbortController().signal, log: () => undefined });
    expect(outcome).toMatchObject({ ok: false, detail: expect.stringContaining('did not hold within 300 ms') });
  }, 10_000);
});
