import { describe, expect, it } from 'vitest';
import { MAX_POINTS_PER_SERIES, planRange } from './step.ts';

const DAY = 86_400_000;

describe('range step policy (Grafana style)', () => {
  it('computes max(scrape interval, range / max points) and aligns start and end to it', () => {
    const plan = planRange({ startMs: 1_000_000_007_000, endMs: 1_000_000_007_000 + DAY, scrapeIntervalSeconds: 15 });
    expect(plan.stepMs).toBe(79_000); // 86,400 s / 1,100 points = 78.5 s, in whole seconds
    expect(plan.startMs % plan.stepMs).toBe(0);
    expect(plan.endMs % plan.stepMs).toBe(0);
    expect(plan.startMs).toBeLessThanOrEqual(1_000_000_007_000);
  });

  it('never goes below the scrape interval', () => {
    expect(planRange({ startMs: 0, endMs: 600_000, scrapeIntervalSeconds: 30 }).stepMs).toBe(30_000);
    expect(planRange({ startMs: 0, endMs: 600_000, stepSeconds: 1, scrapeIntervalSeconds: 30 }).stepMs).toBe(30_000);
  });

  it('raises a step that would exceed the 11,000-point limit, even after alignment', () => {
    for (const startMs of [0, 123_457, 999_999]) {
      const plan = planRange({ startMs, endMs: startMs + 30 * DAY, stepSeconds: 1, scrapeIntervalSeconds: 1 });
      expect((plan.endMs - plan.startMs) / plan.stepMs + 1).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    }
  });

  it('keeps an explicit step that is already coarse enough', () => {
    expect(planRange({ startMs: 0, endMs: DAY, stepSeconds: 300, scrapeIntervalSeconds: 15 }).stepMs).toBe(300_000);
  });
});
