import { featureInfoOf, NOISE_FLOOR, NOISE_RELATIVE } from './features.ts';
import type { AnomalyModel } from './model.ts';

/**
 * Range breakout: a metric beyond everything its training window held, by more than
 * `margin` of that range, is anomalous whatever the forest says. The forest ranks such
 * a value high but not at the top when the window was noisy; an on-call engineer wants
 * "highest in two weeks" flagged. (NAB's Numenta detector adds the same "spatial" check.)
 * Returns the metric that broke out, or undefined.
 */
export function rangeBreakout(model: AnomalyModel, features: Float64Array, margin: number): string | undefined {
  const info = featureInfoOf(model.spec);
  for (let f = 0; f < info.length; f++) {
    if (info[f]!.kind !== 'value') continue;
    const lo = model.featureMin[f]!;
    const hi = model.featureMax[f]!;
    const slack = breakoutSlack(lo, hi, margin);
    const v = features[f]!;
    if (v > hi + slack || v < lo - slack) return info[f]!.metric;
  }
  // Then jumps: a value beyond its range names the metric first (a spike's fall back is a
  // jump of its own metric, which must not hide another metric's breakout).
  for (let f = 0; f < info.length; f++) {
    if (info[f]!.kind === 'value' && jumped(model, features, f)) return info[f]!.metric;
  }
  return undefined;
}

/**
 * A jump is a breakout too: one sample's change (the delta feature) beyond every change the
 * training window held, by more than JUMP_MARGIN of their range. A process killed at 1,000
 * MiB restarts at its usual 300, inside its value range (the days before the leak), and its
 * 24 h z-score reads only 3.9σ (the climb inflated the spread), so neither the range nor the
 * forest pages it; its one-sample fall of 700 is 25 times any change the window held
 * (docs/anomaly.md, "Shapes", fourth round). The margin is wide: at 0.25 NAB fell 1.5 points
 * (ordinary large steps of noisy series), at 0.5 to 2 it is unchanged.
 */
export const JUMP_MARGIN = 1;

/** Index of a metric's delta feature: it follows its value and one z-score per trailing scale (featureInfo). */
function deltaOf(model: AnomalyModel, valueIndex: number): number {
  return valueIndex + model.spec.scales.length + 1;
}

function jumped(model: AnomalyModel, features: Float64Array, valueIndex: number): boolean {
  const valueLo = model.featureMin[valueIndex]!;
  const valueHi = model.featureMax[valueIndex]!;
  // A metric the model has not seen has no range (StreamingDetector opens it): no changes either.
  if (!Number.isFinite(valueLo) || !Number.isFinite(valueHi)) return false;
  const d = deltaOf(model, valueIndex);
  const lo = model.featureMin[d]!;
  const hi = model.featureMax[d]!;
  // Rounding noise is judged by the value's magnitude, not the changes' (a flat window held none).
  const slack = Math.max(breakoutSlack(lo, hi, JUMP_MARGIN), BREAKOUT_NOISE_RELATIVE * Math.max(Math.abs(valueLo), Math.abs(valueHi)));
  const v = features[d]!;
  return v > hi + slack || v < lo - slack;
}

/**
 * Whether `metric`, beyond its training range, crept there: its z-score against its longest
 * trailing baseline is within what the training window held. A disk filling at 4 % a day
 * leaves the range of a model trained on its first day within hours, but each sample is
 * where the trend said it would be (its z-score reads 1.7σ as every day's did); a deploy
 * that doubles a level, or one change of a flat series, also breaks its z-score's range
 * (docs/anomaly.md, "Shapes"). Scale-free: near 1e12 the z-scores read near 0 for their
 * floor, and a step's z-score still leaves the training window's (near 0 too). A breakout
 * that crept pages nothing (PostProcessor.decide); false without trailing scales.
 */
export const CREEP_SIGMA = 3;

export function breakoutCrept(model: AnomalyModel, features: Float64Array, metric: string): boolean {
  const scales = model.spec.scales.length;
  if (scales === 0) return false;
  const info = featureInfoOf(model.spec);
  const f = info.findIndex((i) => i.kind === 'value' && i.metric === metric);
  if (f < 0) return false;
  const above = features[f]! > model.featureMax[f]!;
  // A value inside its range broke out by its jump alone (rangeBreakout): a jump did not
  // creep, whatever its z-score (a drop after a long climb reads a few σ). A value beyond its
  // range is judged by its z-score even when it also jumped: a first weekend's drop does both.
  if (!above && features[f]! >= model.featureMin[f]!) return false;
  // A metric's features follow its value: a z-score per trailing scale, the longest last.
  const z = f + scales;
  if (Math.abs(features[z]!) >= CREEP_SIGMA) return false;
  return above ? features[z]! <= model.featureMax[z]! : features[z]! >= model.featureMin[z]!;
}

/**
 * Rounding noise is not a breakout: a value within a billionth of the range's size (or
 * BREAKOUT_NOISE_FLOOR near zero) of a flat training window is the same value. Without
 * this floor a window of one constant value had no slack at all, and 100 + 1e-12 (a sum
 * rounded differently) broke out of a window of 100s.
 */
export const BREAKOUT_NOISE_RELATIVE = NOISE_RELATIVE;
export const BREAKOUT_NOISE_FLOOR = NOISE_FLOOR;

function breakoutSlack(lo: number, hi: number, margin: number): number {
  return Math.max((hi - lo) * margin, BREAKOUT_NOISE_RELATIVE * Math.max(Math.abs(lo), Math.abs(hi)), BREAKOUT_NOISE_FLOOR);
}

/**
 * Plain words for a range breakout, which the forest's attribution does not give (a flat
 * window's one change, a 20σ step of a metric near 1e12 whose 24 h z-score reads 0.0σ for
 * the z-score's floor): "disk_bytes 105, above anything in its training window (highest 100)".
 * Numbers carry the digits that tell the value from the bound. Undefined when `metric` is
 * not one of the model's or its value is within the range.
 */
export function breakoutNote(model: AnomalyModel, features: Float64Array, metric: string): string | undefined {
  const info = featureInfoOf(model.spec);
  const f = info.findIndex((i) => i.kind === 'value' && i.metric === metric);
  if (f < 0) return undefined;
  const v = features[f]!;
  const lo = model.featureMin[f]!;
  const hi = model.featureMax[f]!;
  if (v > hi) return `${metric} ${distinct(v, hi)}, above anything in its training window (highest ${distinct(hi, v)})`;
  if (v < lo) return `${metric} ${distinct(v, lo)}, below anything in its training window (lowest ${distinct(lo, v)})`;
  if (jumped(model, features, f)) return jumpNote(model, features, metric, f);
  return undefined;
}

/** "process_resident_mib fell by 707 in one sample (from 1004 to 297), more than any change in its training window (largest fall 28.2)". */
function jumpNote(model: AnomalyModel, features: Float64Array, metric: string, f: number): string {
  const d = deltaOf(model, f);
  const change = features[d]!;
  const v = features[f]!;
  const rose = change > 0;
  // The largest change the window held in the same direction (0 when it never moved that way).
  const largest = rose ? Math.max(0, model.featureMax[d]!) : Math.max(0, -model.featureMin[d]!);
  const size = Math.abs(change);
  // Both ends carry the digits that make their difference read as the change (1005 to 297, not 1000 to 297, for a fall of 707).
  const digits = (x: number) => Math.min(17, 3 + Math.max(0, Math.ceil(Math.log10(Math.abs(x) / size))));
  const from = v - change;
  return `${metric} ${rose ? 'rose' : 'fell'} by ${distinct(size, largest)} in one sample (from ${distinct(from, v, digits(from))} to ${distinct(v, from, digits(v))}), more than any change in its training window (largest ${rose ? 'rise' : 'fall'} ${distinct(largest, size)})`;
}

/**
 * `x` with the fewest significant digits (at least 3) that tell it from `other`; in exponent
 * form (1.00002e12, 1.19e-9) when the larger of the two is 1e6 or more or below 1e-3, so
 * both numbers of a note read alike (5e5 and 1e6, not 500000 and 1e6).
 */
function distinct(x: number, other: number, least = 3): string {
  let p = least;
  while (p < 17 && x.toPrecision(p) === other.toPrecision(p)) p++;
  const n = Number(x.toPrecision(p));
  const larger = Math.max(Math.abs(x), Math.abs(other));
  return larger >= 1e6 || (larger > 0 && larger < 1e-3) ? n.toExponential().replace('e+', 'e') : String(n);
}

/** Score given to a range breakout: above any isolation score, so it always alarms. */
export const BREAKOUT_SCORE = 1;

export interface RefractoryOptions {
  /** Length of the period after a high score; 0 turns the refractory period off. */
  seconds: number;
  /**
   * 'hold': for `seconds` only a score above the highest in that span is reported.
   * 'decay': the bar a high score sets falls linearly, by 1 (the whole score range) per
   * `seconds`, so a second, smaller incident later in the period still reports.
   */
  mode: 'hold' | 'decay';
  /** A score must clear the bar by this much: a likelihood still climbing through one incident does not page again. */
  margin: number;
  /**
   * 'decay' only: a score must also clear the decaying bar of the scores actually reported
   * (paged) by this much, so an incident whose likelihood climbs in steps pages once.
   */
  reportedMargin: number;
}

export const DEFAULT_REFRACTORY_OPTIONS: RefractoryOptions = { seconds: 86_400, mode: 'hold', margin: 0, reportedMargin: 0 };

/**
 * Refractory period: after a high score, later scores of the same cause are reported only
 * when they beat it; the rest are reported as 0. One incident then pages once (and again
 * only if it gets worse) instead of on every sample while it lasts, which is also how NAB
 * counts: the first detection in a window earns the reward, later ones are at best
 * worthless and outside windows cost a false positive each.
 */
export class Refractory {
  private readonly options: RefractoryOptions;
  /** 'hold': per key, a monotonic deque of (time, score), scores strictly decreasing from the front. */
  private readonly spans = new Map<string, { times: number[]; scores: number[] }>();
  /** 'decay': per key, max over past scores of score + time / seconds (the bar is that minus now / seconds). */
  private readonly peaks = new Map<string, number>();
  /** 'decay': the same over reported scores only. */
  private readonly reported = new Map<string, number>();

  constructor(options: number | Partial<RefractoryOptions>) {
    this.options = { ...DEFAULT_REFRACTORY_OPTIONS, ...(typeof options === 'number' ? { seconds: options } : options) };
  }

  /**
   * `key` names what drove the score (a metric's range breakout, or the forest), so that a
   * different cause is not silenced by the previous one's period.
   */
  apply(timestampMs: number, score: number, key = ''): number {
    const { seconds, mode, margin } = this.options;
    if (seconds <= 0) return score;
    return mode === 'decay' ? this.decay(timestampMs / 1000 / seconds, score, key, margin) : this.hold(timestampMs, score, key, margin);
  }

  private decay(now: number, score: number, key: string, margin: number): number {
    const peak = this.peaks.get(key) ?? -Infinity;
    this.peaks.set(key, Math.max(peak, score + now));
    const reported = this.reported.get(key) ?? -Infinity;
    if (!(score > peak - now + margin && score > reported - now + this.options.reportedMargin)) return 0;
    this.reported.set(key, Math.max(reported, score + now));
    return score;
  }

  private hold(timestampMs: number, score: number, key: string, margin: number): number {
    let span = this.spans.get(key);
    if (!span) this.spans.set(key, (span = { times: [], scores: [] }));
    const { times, scores } = span;
    const since = timestampMs - this.options.seconds * 1000;
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
    return score > recentMax + margin ? score : 0;
  }
}
