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
}

export type FeatureKind = 'value' | 'zscore' | 'delta' | 'volatility' | 'time';

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
  return { metrics: [...metrics], scales: options.scales ?? DEFAULT_SCALES, timeOfDay: options.timeOfDay ?? false };
}

export function featureInfo(spec: FeatureSpec): FeatureInfo[] {
  const out: FeatureInfo[] = [];
  for (const metric of spec.metrics) {
    out.push({ name: metric, kind: 'value', metric });
    for (const s of spec.scales) out.push({ name: `${metric} z ${s.label}`, kind: 'zscore', metric, scale: s.label });
    out.push({ name: `${metric} delta`, kind: 'delta', metric });
    if (spec.scales.length > 1) out.push({ name: `${metric} volatility`, kind: 'volatility', metric });
  }
  if (spec.timeOfDay) out.push({ name: 'time of day (sin)', kind: 'time' }, { name: 'time of day (cos)', kind: 'time' });
  return out;
}

/** z-scores beyond this say nothing more to the forest and would only stretch its cuts. */
export const Z_LIMIT = 50;

interface Trailing {
  mean: number;
  variance: number;
  /** Weight the variance has accumulated so far: dividing by it removes the start-up bias. */
  weight: number;
}

interface MetricState {
  last: number;
  seen: boolean;
  trailing: Trailing[];
}

export class FeatureBuilder {
  readonly spec: FeatureSpec;
  readonly info: FeatureInfo[];
  private readonly state: MetricState[];
  private lastTime = NaN;

  constructor(spec: FeatureSpec) {
    this.spec = spec;
    this.info = featureInfo(spec);
    this.state = spec.metrics.map(() => ({ last: NaN, seen: false, trailing: spec.scales.map(() => ({ mean: 0, variance: 0, weight: 0 })) }));
  }

  get width(): number {
    return this.info.length;
  }

  /**
   * Features of a sample at `timestampMs`. A missing or non-finite metric carries its last
   * value forward (delta 0), so one gap does not look like a drop to zero.
   */
  push(timestampMs: number, values: Readonly<Record<string, number | undefined>>, out: Float64Array = new Float64Array(this.width)): Float64Array {
    const dt = Number.isFinite(this.lastTime) ? Math.max(0, (timestampMs - this.lastTime) / 1000) : 0;
    this.lastTime = timestampMs;
    const { scales } = this.spec;
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

function deviation(t: Trailing): number {
  return t.weight > 0 ? Math.sqrt(t.variance / t.weight) : 0;
}

function updateTrailing(t: Trailing, x: number, dt: number, tau: number): void {
  const alpha = 1 - Math.exp(-dt / tau);
  const diff = x - t.mean;
  t.mean += alpha * diff;
  t.variance = (1 - alpha) * (t.variance + alpha * diff * diff);
  t.weight = (1 - alpha) * t.weight + alpha;
}
