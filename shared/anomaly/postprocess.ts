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
  /** Per key, a monotonic deque of (time, score): scores strictly decreasing from the front. */
  private readonly spans = new Map<string, { times: number[]; scores: number[] }>();

  constructor(seconds: number) {
    this.seconds = seconds;
  }

  /**
   * `key` names what drove the score (a metric's range breakout, or the forest), so that a
   * different cause is not silenced by the previous one's period.
   */
  apply(timestampMs: number, score: number, key = ''): number {
    let span = this.spans.get(key);
    if (!span) this.spans.set(key, (span = { times: [], scores: [] }));
    const { times, scores } = span;
    const since = timestampMs - this.seconds * 1000;
    while (times.length > 0 && times[0]! <= since) {
      times.shift();
      scores.shift();
    }
    const recentMax = scores.length > 0 ? scores[0]! : -Infinity;
    while (scores.length > 0 && scores[scores.length - 1]! <= score) {
      times.pop();
      scores.pop();
    }
    times.push(timestampMs);
    scores.push(score);
    return score > recentMax ? score : 0;
  }
}
