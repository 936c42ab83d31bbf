/**
 * Anomaly likelihood (Ahmad et al. 2017, the post-processing of NAB's best detectors):
 * instead of thresholding the raw score, ask how unusual the recent average of raw scores
 * is against the distribution of that average over a long history. A target whose raw
 * score is always noisy then needs a bigger departure than a quiet one, and one isolated
 * high score is weighed against its neighbours.
 */
export interface LikelihoodOptions {
  /** Raw scores averaged into the short-term value. */
  shortWindow: number;
  /** Averages kept to estimate their normal distribution. */
  historyWindow: number;
  /** Averages needed before a likelihood other than 0.5 is reported. */
  learningPeriod: number;
}

/**
 * NAB's windows, except the learning period (NAB: 288): our detectors warm the likelihood
 * with the training rows' scores, so fewer fresh scores are needed before it speaks.
 */
export const DEFAULT_LIKELIHOOD_OPTIONS: LikelihoodOptions = { shortWindow: 10, historyWindow: 8_640, learningPeriod: 100 };

/** NAB's floor on the spread: below it, floating noise in a flat score would look alarming. */
const MIN_VARIANCE = 0.0003;

export class AnomalyLikelihood {
  private readonly options: LikelihoodOptions;
  private readonly recent: Float64Array;
  private recentSum = 0;
  private recentCount = 0;
  private readonly history: Float64Array;
  private historySum = 0;
  private historySumSq = 0;
  private historyCount = 0;
  private next = 0;

  constructor(options: Partial<LikelihoodOptions> = {}) {
    this.options = { ...DEFAULT_LIKELIHOOD_OPTIONS, ...options };
    this.recent = new Float64Array(this.options.shortWindow);
    this.history = new Float64Array(this.options.historyWindow);
  }

  /** Likelihood in [0, 1] that the recent scores are not from the usual distribution. */
  update(rawScore: number): number {
    const { shortWindow, historyWindow, learningPeriod } = this.options;
    const slot = this.recentCount % shortWindow;
    if (this.recentCount >= shortWindow) this.recentSum -= this.recent[slot]!;
    this.recent[slot] = rawScore;
    this.recentSum += rawScore;
    this.recentCount++;
    const average = this.recentSum / Math.min(this.recentCount, shortWindow);

    let likelihood = 0.5;
    if (this.historyCount >= learningPeriod) {
      const n = Math.min(this.historyCount, historyWindow);
      const mean = this.historySum / n;
      const variance = Math.max(this.historySumSq / n - mean * mean, MIN_VARIANCE);
      likelihood = 1 - tailProbability((average - mean) / Math.sqrt(variance));
    }

    const h = this.next % historyWindow;
    if (this.historyCount >= historyWindow) {
      const old = this.history[h]!;
      this.historySum -= old;
      this.historySumSq -= old * old;
    }
    this.history[h] = average;
    this.historySum += average;
    this.historySumSq += average * average;
    this.historyCount++;
    this.next++;
    return likelihood;
  }
}

/**
 * Likelihood mapped so that each extra "9" counts the same (0.99 -> 0.2, 0.9999 -> 0.4,
 * 0.99999 -> 0.5): thresholds and charts then read naturally. NAB reports the same form.
 */
export function logLikelihood(likelihood: number): number {
  return Math.min(1, Math.log(1.0000000001 - likelihood) / Math.log(1 - 0.9999999999));
}

/** Threshold on logLikelihood at which a stationary target alarms at `falseAlarmRate`. */
export function likelihoodThreshold(falseAlarmRate: number): number {
  return logLikelihood(1 - falseAlarmRate);
}

/** Upper tail of the standard normal, one-sided: only scores above normal are alarming. */
export function tailProbability(z: number): number {
  return z <= 0 ? 0.5 : 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes erfcc, relative error below 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
