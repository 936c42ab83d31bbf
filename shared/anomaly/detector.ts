import { explain, type Explanation } from './explain.ts';
import { FeatureBuilder, featureSpec, type FeatureSpec, type TrailingScale } from './features.ts';
import type { ForestOptions } from './forest.ts';
import { AnomalyLikelihood, logLikelihood, type LikelihoodOptions } from './likelihood.ts';
import { fitModel, scoreFeatures, type AnomalyModel } from './model.ts';

export interface DetectorOptions {
  metrics: string[];
  scales?: TrailingScale[];
  timeOfDay?: boolean;
  forest?: ForestOptions;
  contamination?: number;
  /** Feature rows needed before the first model is fitted. */
  minTrainRows?: number;
  /** Most recent rows a model is fitted on. */
  trainWindow?: number;
  /** Refit on the trailing window every this many rows (0: never). */
  retrainEvery?: number;
  likelihood?: Partial<LikelihoodOptions>;
  /** Alarm when the log-likelihood reaches this (0.5 is a likelihood of 0.99999). */
  alarmThreshold?: number;
}

export interface DetectionResult {
  /** False while no model exists yet; the scores are then 0. */
  ready: boolean;
  /** Raw isolation score of this sample's features. */
  score: number;
  /** Anomaly likelihood of the recent raw scores, 0..1. */
  likelihood: number;
  /** logLikelihood(likelihood), 0..1: the figure to threshold, chart and store. */
  anomalyScore: number;
  isAnomaly: boolean;
  explanation?: Explanation;
}

export const DEFAULT_DETECTOR_OPTIONS = {
  minTrainRows: 288,
  trainWindow: 4_032,
  retrainEvery: 288,
  alarmThreshold: 0.5,
} as const;

/**
 * Everything one target needs, in the order the server runs it: causal features, the
 * current model, raw score, anomaly likelihood, alarm and explanation. The first model is
 * fitted once minTrainRows samples exist and refitted on a trailing window, so each row is
 * always scored by a model that has seen only the past.
 */
export class StreamingDetector {
  readonly spec: FeatureSpec;
  private readonly options: DetectorOptions;
  private readonly builder: FeatureBuilder;
  private readonly likelihood: AnomalyLikelihood;
  private readonly history: Float64Array;
  private readonly historyTimes: Float64Array;
  private rowsSeen = 0;
  private rowsSinceFit = 0;
  private current: AnomalyModel | undefined;
  private fits = 0;

  constructor(options: DetectorOptions) {
    this.options = options;
    this.spec = featureSpec(options.metrics, {
      ...(options.scales ? { scales: options.scales } : {}),
      ...(options.timeOfDay !== undefined ? { timeOfDay: options.timeOfDay } : {}),
    });
    this.builder = new FeatureBuilder(this.spec);
    this.likelihood = new AnomalyLikelihood(options.likelihood);
    const window = options.trainWindow ?? DEFAULT_DETECTOR_OPTIONS.trainWindow;
    this.history = new Float64Array(window * this.builder.width);
    this.historyTimes = new Float64Array(window);
  }

  get model(): AnomalyModel | undefined {
    return this.current;
  }

  push(timestampMs: number, values: Readonly<Record<string, number | undefined>>): DetectionResult {
    const features = this.builder.push(timestampMs, values);
    const result = this.current ? this.score(features) : { ready: false, score: 0, likelihood: 0, anomalyScore: 0, isAnomaly: false };
    this.remember(timestampMs, features);
    this.maybeFit();
    return result;
  }

  private score(features: Float64Array): DetectionResult {
    const model = this.current!;
    const score = scoreFeatures(model, features);
    const likelihood = this.likelihood.update(score);
    const anomalyScore = logLikelihood(likelihood);
    const isAnomaly = anomalyScore >= (this.options.alarmThreshold ?? DEFAULT_DETECTOR_OPTIONS.alarmThreshold);
    return { ready: true, score, likelihood, anomalyScore, isAnomaly, ...(isAnomaly ? { explanation: explain(model, features) } : {}) };
  }

  private remember(timestampMs: number, features: Float64Array): void {
    const window = this.historyTimes.length;
    const slot = this.rowsSeen % window;
    this.history.set(features, slot * features.length);
    this.historyTimes[slot] = timestampMs;
    this.rowsSeen++;
    this.rowsSinceFit++;
  }

  private maybeFit(): void {
    const minRows = this.options.minTrainRows ?? DEFAULT_DETECTOR_OPTIONS.minTrainRows;
    const every = this.options.retrainEvery ?? DEFAULT_DETECTOR_OPTIONS.retrainEvery;
    const due = this.current ? every > 0 && this.rowsSinceFit >= every : this.rowsSeen >= minRows;
    if (!due) return;
    const window = this.historyTimes.length;
    const rows = Math.min(this.rowsSeen, window);
    const width = this.builder.width;
    const data = new Float64Array(rows * width);
    const first = this.rowsSeen - rows;
    for (let i = 0; i < rows; i++) {
      const slot = (first + i) % window;
      data.set(this.history.subarray(slot * width, (slot + 1) * width), i * width);
    }
    this.current = fitModel(this.spec, { data, rows, cols: width }, {
      ...this.options.forest,
      seed: (this.options.forest?.seed ?? 1) + this.fits,
      ...(this.options.contamination !== undefined ? { contamination: this.options.contamination } : {}),
      trainedFrom: this.historyTimes[first % window]!,
      trainedTo: this.historyTimes[(this.rowsSeen - 1) % window]!,
    });
    this.fits++;
    this.rowsSinceFit = 0;
  }
}
