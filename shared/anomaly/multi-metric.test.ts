import { describe, expect, it } from 'vitest';
import { runTrials } from './multi-metric-trials.ts';

// Figures in docs/anomaly.md ("Several metrics per target"); each runTrials call is 20
// targets of 3 days at 5 minutes.
describe('several metrics per target', () => {
  it('finds a 6σ one-sample spike in one of five metrics every time, up or down, with few false alarms on noise', () => {
    expect(runTrials(5, 6, 20, 9).found).toBe(20);
    // The spike member is two-sided: a drop is judged like a rise.
    expect(runTrials(5, -6, 20, 9).found).toBe(20);
    // 5 before the spike member had its own baseline (fourth round of issue 13), 4 with it.
    expect(runTrials(5, null, 20, 7).falseAlarms).toBeLessThanOrEqual(4);
  }, 300_000);

  it('a 4σ one-sample spike in one of five metrics is mostly not found at the default false-alarm rate (the issue asks 18 in 20)', () => {
    // Not met, by arithmetic (docs/anomaly.md): a 4σ sample is about as likely as the
    // default rate allows per metric sample; the one-sided rise test that would find 18 in
    // 20 doubles the false alarms on noise and costs 2-3 NAB points. This pins what it does.
    expect(runTrials(5, 4, 20, 8).found).toBe(5);
    expect(runTrials(5, -4, 20, 8).found).toBe(1);
    expect(runTrials(5, 5, 20, 8).found).toBeGreaterThanOrEqual(19);
  }, 300_000);

  it('the per-metric spike member finds 4σ one-sample spikes the averaged likelihood misses, without more false alarms on noise', () => {
    // At a false-alarm rate of 1e-4 a 4σ sample (two-sided tail 6e-5) is above the threshold;
    // at the default 1e-5 it is not, by design.
    const falseAlarmRate = 1e-4;
    const without = { found: runTrials(1, 4, 20, 8, { spikes: false, falseAlarmRate }).found, noise: runTrials(1, null, 20, 7, { spikes: false, falseAlarmRate }).falseAlarms };
    const withSpikes = { found: runTrials(1, 4, 20, 8, { falseAlarmRate }).found, noise: runTrials(1, null, 20, 7, { falseAlarmRate }).falseAlarms };
    expect(withSpikes.found).toBeGreaterThanOrEqual(without.found + 8);
    expect(withSpikes.noise).toBeLessThanOrEqual(without.noise);
  }, 300_000);
});
