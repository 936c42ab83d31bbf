/**
 * One-sample tail probability of a metric's trailing z-score, calibrated on that metric's
 * own history: the likelihood path averages raw scores over several samples and so cannot
 * see a single-sample spike, and the forest's score of one metric's spike is diluted by
 * the target's other features. This is the per-metric member of the ensemble.
 *
 * Peaks over threshold (extreme value theory, as in SPOT): beyond U = 3, |z| is modelled as
 * an exponential tail, p(|z|) = rate x exp(-(|z| - U) / meanExcess), with the exceedance
 * rate and mean excess estimated from the metric's past z-scores (exponentially weighted,
 * starting from a Gaussian prior). A heavy-tailed metric then needs a bigger z to alarm
 * than a Gaussian one, and a quiet Gaussian metric alarms near its true tail.
 */
export interface SpikeTailOptions {
  /** Samples of memory of the exceedance statistics. */
  memory: number;
}

export const DEFAULT_SPIKE_TAIL_OPTIONS: SpikeTailOptions = { memory: 4_032 };

const U = 3;
/** Gaussian prior: P(|z| > 3) and the mean of |z| - 3 beyond it, worth PRIOR_WEIGHT samples. */
const PRIOR_RATE = 0.0027;
const PRIOR_EXCESS = 0.28;
const PRIOR_WEIGHT = 1_000;

/**
 * The spike member's own baseline of a metric (issue 13, fourth round): an exponentially
 * weighted mean and variance over SPIKE_BASELINE_MEMORY samples, bias-corrected from the
 * first sample like the features' trailing statistics. A one-sample spike is judged by
 * z = (x - mean) / sd, and most of the error of that z is the error of sd (a 4σ sample
 * read against the forest's 24 h trailing spread lands at z = 4 ± 0.15 in the multi-metric
 * trials); three times the memory gives a steadier spread (± 0.14 there, where the data
 * allow little more) and scored higher on NAB (docs/anomaly.md). It is per sample, like the
 * tail's memory, not per second: both count how much of the metric's history they weigh.
 */
export const SPIKE_BASELINE_MEMORY = 864;

export class SpikeBaseline {
  private readonly alpha: number;
  private mean = 0;
  private variance = 0;
  private weight = 0;
  /** The mean and spread the last sample's z-score was taken against (LevelChange reads them). */
  lastCentre = 0;
  lastSpread = 0;

  constructor(memory = SPIKE_BASELINE_MEMORY) {
    this.alpha = 1 / memory;
  }

  /** The mean of the samples so far (0 before the first). */
  get centre(): number {
    return this.mean;
  }

  /** z-score of `x` against the samples before it (0 while there are none), clipped at ±limit; then `x` joins them. */
  update(x: number, limit: number): number {
    const first = this.weight === 0;
    const sd = Math.max(Math.sqrt(this.variance), 1e-3 * Math.abs(this.mean), 1e-9);
    const z = first ? 0 : Math.max(-limit, Math.min(limit, (x - this.mean) / sd));
    this.lastCentre = this.mean;
    this.lastSpread = sd;
    if (first) this.mean = x;
    this.weight = (1 - this.alpha) * this.weight + this.alpha;
    const rate = this.alpha / this.weight;
    const diff = x - this.mean;
    this.mean += rate * diff;
    this.variance = (1 - rate) * (this.variance + rate * diff * diff);
    return z;
  }
}

export class SpikeTail {
  private readonly keep: number;
  private weight = 0;
  private exceedances = 0;
  private excess = 0;

  constructor(options: Partial<SpikeTailOptions> = {}) {
    this.keep = 1 - 1 / { ...DEFAULT_SPIKE_TAIL_OPTIONS, ...options }.memory;
  }

  /** Two-sided tail probability of `z` against the history so far; then `z` joins the history. */
  update(z: number): number {
    const p = this.tail(Math.abs(z));
    this.weight = this.weight * this.keep + 1;
    this.exceedances *= this.keep;
    this.excess *= this.keep;
    const a = Math.abs(z);
    if (a > U) {
      this.exceedances += 1;
      this.excess += a - U;
    }
    return p;
  }

  tail(a: number): number {
    const e = this.exceedances + PRIOR_RATE * PRIOR_WEIGHT;
    const rate = e / (this.weight + PRIOR_WEIGHT);
    if (a <= U) return 1;
    const meanExcess = (this.excess + PRIOR_EXCESS * PRIOR_RATE * PRIOR_WEIGHT) / e;
    return Math.min(1, rate * Math.exp(-(a - U) / meanExcess));
  }
}
