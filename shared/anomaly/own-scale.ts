/**
 * Whether a metric is better judged in logs: a positive metric with a heavy right tail (a
 * latency p99, a request size: log-normal, slow samples several times the usual) looks,
 * on the linear scale, like a Gaussian with frequent 7σ spikes, and the members' tails start
 * from a Gaussian prior (spike.ts): 13 false alarms in 8 runs of such a latency
 * (docs/anomaly.md, "Shapes"). In logs its spread is a ratio and its slow samples are a few
 * σ. The choice is made from the metric's own history, the same rule for every metric:
 * logs while every sample in memory was positive, the values' skewness is above
 * SKEW_FOR_LOGS (a Gaussian metric's stays near 0, whatever its level) and the logs are
 * less skewed than the values. A metric far from zero reads nearly the same either way.
 */
export const SKEW_FOR_LOGS = 1;

interface Moments {
  /** Exponentially weighted means of d, d², d³ with d the sample minus `shift` (the first sample: keeps d small near 1e12). */
  m1: number;
  m2: number;
  m3: number;
  shift: number;
}

export class OwnScale {
  private readonly keep: number;
  private weight = 0;
  private readonly values: Moments = { m1: 0, m2: 0, m3: 0, shift: NaN };
  private readonly logs: Moments = { m1: 0, m2: 0, m3: 0, shift: NaN };
  /** Samples seen, and the index of the last one at or below 0 (logs are out while it is within memory). */
  private samples = 0;
  private lastNonPositive = -Infinity;
  private readonly memory: number;

  /** `memory`: samples of memory of the moments (exponentially weighted). */
  constructor(memory: number) {
    this.memory = memory;
    this.keep = 1 - 1 / memory;
  }

  /** Whether the history so far says: judge this metric in logs (ask before the sample joins, learn). */
  get inLogs(): boolean {
    if (this.samples - this.lastNonPositive <= this.memory || this.weight === 0) return false;
    const skew = skewness(this.values, this.weight);
    return skew > SKEW_FOR_LOGS && Math.abs(skewness(this.logs, this.weight)) < skew;
  }

  /** `x` joins the history. */
  learn(x: number): void {
    this.samples++;
    if (!(x > 0)) {
      this.lastNonPositive = this.samples;
      return;
    }
    this.weight = this.weight * this.keep + 1;
    const rate = 1 / this.weight;
    add(this.values, x, rate);
    add(this.logs, Math.log(x), rate);
  }
}

function add(m: Moments, x: number, rate: number): void {
  if (Number.isNaN(m.shift)) m.shift = x;
  const d = x - m.shift;
  m.m1 += rate * (d - m.m1);
  m.m2 += rate * (d * d - m.m2);
  m.m3 += rate * (d * d * d - m.m3);
}

function skewness(m: Moments, weight: number): number {
  if (weight < 2) return 0;
  const variance = m.m2 - m.m1 * m.m1;
  if (!(variance > 0)) return 0;
  const third = m.m3 - 3 * m.m1 * m.m2 + 2 * m.m1 ** 3;
  return third / variance ** 1.5;
}
