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
  trailing: Trailing[];
  /** Seasonal profile per slot (NaN until the slot has a sample) and the residual's mean absolute size. */
  profile?: Float64Array;
  seasonalScale?: Trailing;
  /** The last RESIDUAL_SPAN values (ring) and the residual's mean absolute size. */
  recent?: Float64Array;
  recentCount?: number;
  residualScale?: Trailing;
}

export class FeatureBuilder {
  readonly spec: FeatureSpec;
  readonly info: FeatureInfo[];
  private readonly state: MetricState[];
  private lastTime = NaN;

  constructor(spec: FeatureSpec) {
    this.spec = spec;
    this.info = featureInfo(spec);
    this.state = spec.metrics.map(() => ({
      last: NaN,
      seen: false,
      trailing: spec.scales.map(() => ({ mean: 0, variance: 0, weight: 0 })),
      ...(spec.seasonal ? { profile: new Float64Array(SEASONAL_SLOTS).fill(NaN), seasonalScale: { mean: 0, variance: 0, weight: 0 } } : {}),
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

  /**
   * Features of a sample at `timestampMs`. A missing or non-finite metric carries its last
   * value forward (delta 0), so one gap does not look like a drop to zero.
   */
  push(timestampMs: number, values: Readonly<Record<string, number | undefined>>, out: Float64Array = new Float64Array(this.width)): Float64Array {
    const dt = Number.isFinite(this.lastTime) ? Math.max(0, (timestampMs - this.lastTime) / 1000) : 0;
    this.lastTime = timestampMs;
    const { scales } = this.spec;
    const longest = scales.length > 0 ? scales[scales.length - 1]!.seconds : 86_400;
    const dayMs = 86_400_000;
    const slot = Math.floor(((((timestampMs % dayMs) + dayMs) % dayMs) / dayMs) * SEASONAL_SLOTS);
    let k = 0;
    for (let m = 0; m < this.spec.metrics.length; m++) {
      const s = this.state[m]!;
      const raw = values[this.spec.metrics[m]!];
      const x = raw !== undefined && Number.isFinite(raw) ? raw : s.seen ? s.last : 0;
      if (!s.seen) {
        for (const t of s.trailing) t.mean = x;
        s.last = x;
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
        updateTrailing(s.seasonalScale!, Math.abs(residual), dt, longest);
        s.profile[slot] = Number.isFinite(expected) ? expected + SEASONAL_ALPHA * (x - expected) : x;
      }
      if (s.recent) {
        const n = Math.min(s.recentCount!, RESIDUAL_SPAN);
        const residual = n > 0 ? x - median(s.recent, n) : 0;
        out[k++] = scaledResidual(residual, s.residualScale!, s.trailing[0]?.mean ?? x);
        updateTrailing(s.residualScale!, Math.abs(residual), dt, longest);
        s.recent[s.recentCount! % RESIDUAL_SPAN] = x;
        s.recentCount!++;
      }
      for (let i = 0; i < scales.length; i++) updateTrailing(s.trailing[i]!, x, dt, scales[i]!.seconds);
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

function median(values: Float64Array, n: number): number {
  const sorted = Array.from(values.subarray(0, n)).sort((a, b) => a - b);
  return n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

function deviation(t: Trailing): number {
  return t.weight > 0 ? Math.sqrt(t.variance) : 0;
}

function updateTrailing(t: Trailing, x: number, dt: number, tau: number): void {
  const alpha = 1 - Math.exp(-dt / tau);
  t.weight = (1 - alpha) * t.weight + alpha;
  // Bias correction: the effective rate starts at 1 (the first samples are averaged
  // equally) and settles to alpha once the weight has built up, so neither the first
  // value nor the spread of the first hours is held for a whole time constant.
  const rate = t.weight > 0 ? alpha / t.weight : 1;
  const diff = x - t.mean;
  t.mean += rate * diff;
  t.variance = (1 - rate) * (t.variance + rate * diff * diff);
}
