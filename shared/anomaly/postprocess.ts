import { featureInfo } from './features.ts';
import type { AnomalyModel } from './model.ts';

/**
 * Range breakout: a metric beyond everything its training window held, by more than
 * `margin` of that range, is anomalous whatever the forest says. The forest ranks such
 * a value high but not at the top when the window was noisy; an on-call engineer wants
 * "highest in two weeks" flagged. (NAB's Numenta detector adds the same "spatial" check.)
 * Returns the metric that broke out, or undefined.
 */
export function rangeBreakout(model: AnomalyModel, features: Float64Array, margin: number): string | undefined {
  const info = featureInfo(model.spec);
  for (let f = 0; f < info.length; f++) {
    if (info[f]!.kind !== 'value') continue;
    const lo = model.featureMin[f]!;
    const hi = model.featureMax[f]!;
    const slack = (hi - lo) * margin;
    const v = features[f]!;
    if (v > hi + slack || v < lo - slack) return info[f]!.metric;
  }
  return undefined;
}

/** Score given to a range breakout: above any isolation score, so it always alarms. */
export const BREAKOUT_SCORE = 1;

/**
 * Refractory period: after a high score, the next `seconds` only report scores that beat
 * the highest one in that span; the rest are reported as 0. One incident then pages once
 * (and again only if it gets worse) instead of on every sample while it lasts, which is
 * also how NAB counts: the first detection in a window earns the reward, later ones are
 * at best worthless and outside windows cost a false positive each.
 */
export class Refractory {
  private readonly seconds: number;
  /** Monotonic deque of (time, score): scores strictly decreasing from the front. */
  private times: number[] = [];
  private scores: number[] = [];

  constructor(seconds: number) {
    this.seconds = seconds;
  }

  apply(timestampMs: number, score: number): number {
    const since = timestampMs - this.seconds * 1000;
    while (this.times.length > 0 && this.times[0]! <= since) {
      this.times.shift();
      this.scores.shift();
    }
    const recentMax = this.scores.length > 0 ? this.scores[0]! : -Infinity;
    while (this.scores.length > 0 && this.scores[this.scores.length - 1]! <= score) {
      this.times.pop();
      this.scores.pop();
    }
    this.times.push(timestampMs);
    this.scores.push(score);
    return score > recentMax ? score : 0;
  }
}
