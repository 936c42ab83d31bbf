/**
 * Causal feature vectors for one target. Each call to push() sees one sample and only the
 * samples before it: z-scores compare the new value with trailing statistics that do not
 * yet include it, so a spike is measured against the baseline it broke.
 *
 * Trailing statistics are exponentially weighted with a time constant in seconds, which
 * handles irregular or missing samples without keeping windows of raw values.
 */
export interface TrailingScale {
  /** Shown in explanations, e.g. "1 h", "24 h". */
  label: string;
  seconds: number;
}

export interface FeatureSpec {
  metrics: string[];
  /** Shortest first; the last one is "the baseline" in explanations. */
  scales: TrailingScale[];
  timeOfDay: boolean;
  /**
   * Seasonal residual: the value against a daily profile (an exponentially weighted mean
   * per time-of-day slot, updated once a day per slot), in units of the residual's
   * trailing mean absolute size: "unusual for this time of day" as a number.
   */
  seasonal?: boolean;
  /**
   * Robust forecaster residual: the value against the median of the previous
   * RESIDUAL_SPAN samples, in units of that residual's trailing mean absolute size. A
   * median forecast ignores a single outlier among the recent samples, which the z-score
   * against a mean does not.
   */
  residual?: boolean;
}

export type FeatureKind = 'value' | 'zscore' | 'delta' | 'volatility' | 'seasonal' | 'residual' | 'time';

/** Time-of-day slots of the seasonal profile (15 minutes each). */
export const SEASONAL_SLOTS = 96;
/** Weight of today's sample in its slot's profile: about a week of memory. */
const SEASONAL_ALPHA = 0.15;
/**
 * Smoothing of the daily residual the seasonal member reads (FeatureBuilder.dailyResidual):
 * a pattern change lasts, so half an hour of residuals averaged is steadier than one.
 */
export const DAILY_RESIDUAL_SECONDS = 1_800;
/**
 * Samples judged against a known profile slot before the daily residual speaks: its size
 * (and the member's tail) learn first, for as many samples as the first model learns from
 * (minTrainRows, 288). Earlier, a profile of one or two days makes noise look like a
 * change of pattern (docs/anomaly.md, third round: 200 or 500 score lower).
 */
export const DAILY_RESIDUAL_LEARNING = 288;
/** Samples the robust forecast takes the median of. */
export const RESIDUAL_SPAN = 5;

export interface FeatureInfo {
  name: string;
  kind: FeatureKind;
  metric?: string;
  scale?: string;
}

export const DEFAULT_SCALES: TrailingScale[] = [
  { label: '1 h', seconds: 3_600 },
  { label: '24 h', seconds: 86_400 },
];

export function featureSpec(metrics: string[], options: Partial<Omit<FeatureSpec, 'metrics'>> = {}): FeatureSpec {
  return {
    metrics: [...metrics],
    scales: options.scales ?? DEFAULT_SCALES,
    timeOfDay: options.timeOfDay ?? false,
    ...(options.seasonal ? { seasonal: true } : {}),
    ...(options.residual ? { residual: true } : {}),
  };
}

export function featureInfo(spec: FeatureSpec): FeatureInfo[] {
  const out: FeatureInfo[] = [];
  for (const metric of spec.metrics) {
    out.push({ name: metric, kind: 'value', metric });
    for (const s of spec.scales) out.push({ name: `${metric} z ${s.label}`, kind: 'zscore', metric, scale: s.label });
    out.push({ name: `${metric} delta`, kind: 'delta', metric });
    if (spec.scales.length > 1) out.push({ name: `${metric} volatility`, kind: 'volatility', metric });
    if (spec.seasonal) out.push({ name: `${metric} vs time of day`, kind: 'seasonal', metric });
    if (spec.residual) out.push({ name: `${metric} vs recent median`, kind: 'residual', metric });
  }
  if (spec.timeOfDay) out.push({ name: 'time of day (sin)', kind: 'time' }, { name: 'time of day (cos)', kind: 'time' });
  return out;
}

const infoOfSpec = new WeakMap<FeatureSpec, readonly FeatureInfo[]>();

/**
 * `featureInfo(spec)`, built once per spec object and shared (read-only). The scoring
 * worker's range breakout asks for a model's features at every row it scores: building
 * them each time (a name string per feature) was ~7 % of a back-fill's worker CPU.
 */
export function featureInfoOf(spec: FeatureSpec): readonly FeatureInfo[] {
  let info = infoOfSpec.get(spec);
  if (!info) infoOfSpec.set(spec, (info = Object.freeze(featureInfo(spec))));
  return info;
}

/**
 * Rounding noise: a value within a billionth of its magnitude (or NOISE_FLOOR near zero) of
 * the metric's previous value is that value (FeatureBuilder.push). The forest's cuts are
 * scale-free, so without this a flat series with 1e-12 of jitter (a sum rounded
 * differently) looked like a series with variation, and the jitter after a flat day raised
 * alarms ("x 0.0σ below its 24 h mean"). The range breakout's margin has the same floor.
 */
export const NOISE_RELATIVE = 1e-9;
export const NOISE_FLOOR = 1e-11;

/** z-scores beyond this say nothing more to the forest and would only stretch its cuts. */
export const Z_LIMIT = 50;

interface Trailing {
  mean: number;
  variance: number;
  /** Weight accumulated so far (towards 1): it sets the bias-corrected update rate. */
  weight: number;
}

interface MetricState {
  last: number;
  seen: boolean;
  /** Pushes before the metric's first value (it appeared later than the target's first row), and that value. */
  unseen: number;
  firstValue: number;
  trailing: Trailing[];
  /** Seasonal profile per slot (NaN until the slot has a sample) and the residual's mean absolute size. */
  profile?: Float64Array;
  seasonalScale?: Trailing;
  /** The last RESIDUAL_SPAN values (ring) and the residual's mean absolute size. */
  recent?: Float64Array;
  recentCount?: number;
  residualScale?: Trailing;
  /** The seasonal member's signal (not a forest feature): daily profile, smoothed residual, its mean absolute size. */
  daily: { profile: Float64Array; residual: Trailing; size: Trailing; value: number; judged: number };
}

export class FeatureBuilder {
  readonly spec: FeatureSpec;
  readonly info: FeatureInfo[];
  private readonly state: MetricState[];
  private lastTime = NaN;
  /** Rows pushed so far. */
  private pushes = 0;
  /** Features per metric, and where each metric's value sits in a row. */
  private readonly metricWidth: number;
  private readonly valueIndex: number[];
  /** The current push's update rates (one object, refilled each push). */
  private readonly rates: Rates;

  constructor(spec: FeatureSpec) {
    this.spec = spec;
    this.info = featureInfo(spec);
    this.valueIndex = spec.metrics.map((metric) => this.info.findIndex((f) => f.metric === metric && f.kind === 'value'));
    this.rates = { scales: new Float64Array(spec.scales.length), daily: 0, longest: 0 };
    this.metricWidth = spec.metrics.length > 0 ? this.info.filter((f) => f.metric === spec.metrics[0]).length : 0;
    this.state = spec.metrics.map(() => ({
      last: NaN,
      seen: false,
      unseen: 0,
      firstValue: 0,
      trailing: spec.scales.map(() => ({ mean: 0, variance: 0, weight: 0 })),
      ...(spec.seasonal ? { profile: new Float64Array(SEASONAL_SLOTS).fill(NaN), seasonalScale: { mean: 0, variance: 0, weight: 0 } } : {}),
      daily: { profile: new Float64Array(SEASONAL_SLOTS).fill(NaN), residual: { mean: 0, variance: 0, weight: 0 }, size: { mean: 0, variance: 0, weight: 0 }, value: 0, judged: 0 },
      ...(spec.residual ? { recent: new Float64Array(RESIDUAL_SPAN), recentCount: 0, residualScale: { mean: 0, variance: 0, weight: 0 } } : {}),
    }));
  }

  get width(): number {
    return this.info.length;
  }

  /**
   * Whether metric `m`'s longest trailing baseline has built up half its weight (about 0.7
   * time constants of data): before that its z-score compares with a few samples and says
   * little, so the spike tails do not learn from it.
   */
  settled(m: number): boolean {
    const t = this.state[m]?.trailing.at(-1);
    return t !== undefined && t.weight >= 0.5;
  }

  /** Whether metric `m` has had a value yet (a metric may appear after its target's first rows). */
  seen(m: number): boolean {
    return this.state[m]?.seen ?? false;
  }

  /**
   * Rows this builder pushed (the last `count`, in `rows`) from before a metric's first
   * value hold a placeholder for it: value 0, every other feature 0 (no change, no
   * departure). For a model, a made-up 0 is a value like any other: a metric appearing at
   * 1e6 would stretch its training range down to 0 for as long as those rows stay in the
   * window (its own range and changes hidden), and break out of it at its first sample.
   * This sets the placeholder value of those rows to the metric's first value (a backward
   * fill), as if it had always read that. Call it on a model's training rows before the fit.
   */
  fillUnseen(rows: Float64Array, count: number): void {
    const width = this.width;
    const first = this.pushes - count;
    for (let m = 0; m < this.state.length; m++) {
      const s = this.state[m]!;
      if (!s.seen || s.unseen <= first) continue;
      const f = this.valueIndex[m]!;
      const value = s.firstValue;
      for (let i = 0; i < Math.min(count, s.unseen - first); i++) rows[i * width + f] = value;
    }
  }

  /**
   * Metric `m`'s daily residual at the last push: its value against its usual level for the
   * time of day (a per-15-minute profile, each sample weighing 0.15 in its slot), averaged
   * over DAILY_RESIDUAL_SECONDS, in units of that average's spread (its trailing mean
   * absolute size x sqrt(pi / 2), the standard deviation were it Gaussian), clipped like the
   * z-scores; 0 until DAILY_RESIDUAL_LEARNING samples have met a known profile slot.
   * Not a forest feature (each feature the forest sees dilutes the others, and as one the
   * seasonal residual lowered AWS): the post-processor's seasonal member judges it by its
   * own tail per metric (post-processor.ts).
   */
  dailyResidual(m: number): number {
    return this.state[m]?.daily.value ?? 0;
  }

  /**
   * Features of a sample at `timestampMs`. A missing or non-finite metric carries its last
   * value forward (delta 0), so one gap does not look like a drop to zero. A value within
   * rounding noise of the previous one (NOISE_RELATIVE, NOISE_FLOOR) is taken as that value,
   * so float jitter of a flat series is no variation to the forest. Before a metric's
   * first value its features are placeholders (all 0, see fillUnseen) that no trailing
   * statistic learns from, so a metric appearing mid-stream starts its baseline at its own
   * first value, not at a made-up 0.
   */
  push(timestampMs: number, values: Readonly<Record<string, number | undefined>>, out: Float64Array = new Float64Array(this.width)): Float64Array {
    const dt = Number.isFinite(this.lastTime) ? Math.max(0, (timestampMs - this.lastTime) / 1000) : 0;
    this.lastTime = timestampMs;
    this.pushes++;
    const { scales } = this.spec;
    const longest = scales.length > 0 ? scales[scales.length - 1]!.seconds : 86_400;
    const rates = this.rates;
    for (let i = 0; i < scales.length; i++) rates.scales[i] = rateOf(dt, scales[i]!.seconds);
    rates.daily = rateOf(dt, DAILY_RESIDUAL_SECONDS);
    rates.longest = rateOf(dt, longest);
    const dayMs = 86_400_000;
    const slot = Math.floor(((((timestampMs % dayMs) + dayMs) % dayMs) / dayMs) * SEASONAL_SLOTS);
    let k = 0;
    for (let m = 0; m < this.spec.metrics.length; m++) {
      const s = this.state[m]!;
      const raw = values[this.spec.metrics[m]!];
      const present = raw !== undefined && Number.isFinite(raw);
      if (!present && !s.seen) {
        // Not there yet: a placeholder row (fillUnseen), and no statistics learn from it.
        s.unseen++;
        const end = k + this.metricWidth;
        while (k < end) out[k++] = 0;
        continue;
      }
      let x = present ? raw : s.last;
      if (s.seen && Math.abs(x - s.last) <= Math.max(NOISE_RELATIVE * Math.max(Math.abs(x), Math.abs(s.last)), NOISE_FLOOR)) x = s.last;
      if (!s.seen) {
        for (const t of s.trailing) t.mean = x;
        s.last = x;
        s.firstValue = x;
        s.seen = true;
      }
      out[k++] = x;
      for (let i = 0; i < scales.length; i++) out[k++] = zScore(x, s.trailing[i]!);
      out[k++] = x - s.last;
      if (scales.length > 1) {
        const floor = 1e-9 + 1e-3 * Math.abs(s.trailing[0]!.mean);
        out[k++] = Math.log((deviation(s.trailing[0]!) + floor) / (deviation(s.trailing[scales.length - 1]!) + floor));
      }
      if (s.profile) {
        const expected = s.profile[slot]!;
        const residual = Number.isFinite(expected) ? x - expected : 0;
        out[k++] = scaledResidual(residual, s.seasonalScale!, s.trailing[0]?.mean ?? x);
        updateTrailing(s.seasonalScale!, Math.abs(residual), rates.longest);
        s.profile[slot] = Number.isFinite(expected) ? expected + SEASONAL_ALPHA * (x - expected) : x;
      }
      if (s.recent) {
        const n = Math.min(s.recentCount!, RESIDUAL_SPAN);
        const residual = n > 0 ? x - median(s.recent, n) : 0;
        out[k++] = scaledResidual(residual, s.residualScale!, s.trailing[0]?.mean ?? x);
        updateTrailing(s.residualScale!, Math.abs(residual), rates.longest);
        s.recent[s.recentCount! % RESIDUAL_SPAN] = x;
        s.recentCount!++;
      }
      updateDaily(s.daily, x, slot, rates, s.trailing[scales.length - 1]?.mean ?? x);
      for (let i = 0; i < scales.length; i++) updateTrailing(s.trailing[i]!, x, rates.scales[i]!);
      s.last = x;
    }
    if (this.spec.timeOfDay) {
      const phase = (2 * Math.PI * (((timestampMs % 86_400_000) + 86_400_000) % 86_400_000)) / 86_400_000;
      out[k++] = Math.sin(phase);
      out[k] = Math.cos(phase);
    }
    return out;
  }
}

function zScore(x: number, t: Trailing): number {
  // A floor relative to the level keeps a flat series from turning its first wiggle into
  // an infinite z-score.
  const sd = Math.max(deviation(t), 1e-3 * Math.abs(t.mean), 1e-9);
  const z = (x - t.mean) / sd;
  return Math.max(-Z_LIMIT, Math.min(Z_LIMIT, z));
}

/** A residual over the trailing mean of its absolute size (start-up bias corrected), clipped like the z-scores. */
function scaledResidual(residual: number, scale: Trailing, level: number): number {
  const size = scale.weight > 0 ? scale.mean : 0;
  const r = residual / Math.max(size, 1e-3 * Math.abs(level), 1e-9);
  return Math.max(-Z_LIMIT, Math.min(Z_LIMIT, r));
}

/** The daily residual's update (FeatureBuilder.dailyResidual): judged against the profile before this sample joins it. */
function updateDaily(d: MetricState['daily'], x: number, slot: number, rates: Rates, level: number): void {
  const expected = d.profile[slot]!;
  const known = Number.isFinite(expected);
  updateTrailing(d.residual, known ? x - expected : 0, rates.daily);
  if (known) d.judged++;
  // Mean absolute size x sqrt(pi / 2) is the standard deviation of a Gaussian residual: the
  // member's tail starts from a Gaussian prior in those units (spike.ts).
  d.value = known && d.judged >= DAILY_RESIDUAL_LEARNING ? scaledResidual(d.residual.mean / Math.sqrt(Math.PI / 2), d.size, level) : 0;
  if (known) updateTrailing(d.size, Math.abs(d.residual.mean), rates.longest);
  d.profile[slot] = known ? expected + SEASONAL_ALPHA * (x - expected) : x;
}

function median(values: Float64Array, n: number): number {
  const sorted = Array.from(values.subarray(0, n)).sort((a, b) => a - b);
  return n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function deviation(t: Trailing): number {
  return t.weight > 0 ? Math.sqrt(t.variance) : 0;
}

/**
 * A push's update rates, 1 - exp(-dt / tau), for each time constant its statistics use:
 * the same for every metric of the row, so worked out once a row, not once per statistic
 * and metric (three exps a metric with the server's spec). Same expression, same bits.
 */
interface Rates {
  /** Per trailing scale. */
  scales: Float64Array;
  /** The daily residual's smoothing (DAILY_RESIDUAL_SECONDS). */
  daily: number;
  /** The longest scale's (a day without scales): the residual sizes' memory. */
  longest: number;
}

function rateOf(dt: number, tau: number): number {
  return 1 - Math.exp(-dt / tau);
}

function updateTrailing(t: Trailing, x: number, alpha: number): void {
  t.weight = (1 - alpha) * t.weight + alpha;
  // Bias correction: the effective rate starts at 1 (the first samples are averaged
  // equally) and settles to alpha once the weight has built up, so neither the first
  // value nor the spread of the first hours is held for a whole time constant.
  const rate = t.weight > 0 ? alpha / t.weight : 1;
  const diff = x - t.mean;
  t.mean += rate * diff;
  t.variance = (1 - rate) * (t.variance + rate * diff * diff);
}
