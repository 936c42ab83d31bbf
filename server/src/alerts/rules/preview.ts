import type { RuleCondition, RulePreview, RulePreviewSeries } from '../../../../shared/api/alerts.ts';
import type { MetricsQuery } from '../../metrics/query.ts';
import { holds, reduce } from './condition.ts';

export interface PreviewedRule {
  selector: string;
  condition: RuleCondition;
  windowSeconds: number;
  forSeconds: number;
}

export interface PreviewLimits {
  /** Evaluation instants replayed over the lookback. */
  maxSteps: number;
  maxSeries: number;
  /** The shortest step, seconds (the evaluator's own interval is 30 s). */
  minStepSeconds: number;
}

export const DEFAULT_PREVIEW_LIMITS: PreviewLimits = { maxSteps: 120, maxSeries: 20, minStepSeconds: 15 };

/** Index of the first sample at or after `t` (samples oldest first). */
function firstAtOrAfter(samples: ReadonlyArray<readonly [number, number]>, t: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as readonly [number, number])[0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Replays a threshold rule over recent data the way the evaluator would run it (reduce the
 * window, compare, wait `for`), without storing state or raising alerts: what the rule
 * editor shows while the admin types.
 */
export async function previewRule(rule: PreviewedRule, metrics: MetricsQuery, now: number, lookbackSeconds: number, limits: PreviewLimits = DEFAULT_PREVIEW_LIMITS): Promise<RulePreview> {
  const stepSeconds = Math.max(limits.minStepSeconds, Math.ceil(lookbackSeconds / limits.maxSteps));
  const stepMs = stepSeconds * 1000;
  const windowMs = rule.windowSeconds * 1000;
  const steps = Math.floor((lookbackSeconds * 1000) / stepMs);
  const times = Array.from({ length: steps + 1 }, (_, i) => now - (steps - i) * stepMs);
  const from = times[0] as number;
  const found = await metrics.query(rule.selector, from - windowMs, now);

  const series: RulePreviewSeries[] = found.map(({ name, labels, samples }) => {
    const values: Array<number | null> = [];
    let pendingSince: number | null = null;
    let firing = false;
    let fired = 0;
    for (const t of times) {
      // The evaluator reads samples in [t - window, t].
      const window = samples.slice(firstAtOrAfter(samples, t - windowMs), firstAtOrAfter(samples, t + 1));
      const value = reduce(window, rule.condition.reducer);
      values.push(value);
      if (value === null || !holds(value, rule.condition)) {
        pendingSince = null;
        firing = false;
        continue;
      }
      pendingSince ??= t;
      if (!firing && t - pendingSince >= rule.forSeconds * 1000) {
        firing = true;
        fired += 1;
      }
    }
    const value = values[values.length - 1] ?? null;
    return { name, labels, value, holds: value !== null && holds(value, rule.condition), firing, fired, values };
  });
  // Keep what the admin needs to see first: series that would fire, then the highest values.
  series.sort((a, b) => Number(b.firing) - Number(a.firing) || b.fired - a.fired || (b.value ?? -Infinity) - (a.value ?? -Infinity));
  return { from, to: now, stepSeconds, times, series: series.slice(0, limits.maxSeries), truncated: series.length > limits.maxSeries };
}
