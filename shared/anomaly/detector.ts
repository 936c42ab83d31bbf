import { explain, withMemberNote, type Explanation } from './explain.ts';
import { FeatureBuilder, featureInfo, featureSpec, type FeatureSpec, type TrailingScale } from './features.ts';
import { MAX_FEATURES, type ForestOptions } from './forest.ts';
import type { LikelihoodOptions } from './likelihood.ts';
import { fitModel, scoreFeatures, scoreRows, type AnomalyModel } from './model.ts';
import { PostProcessor, type PostProcessOptions } from './post-processor.ts';
import { breakoutCrept, breakoutNote, rangeBreakout, type RefractoryOptions } from './postprocess.ts';

export interface DetectorOptions {
  metrics: string[];
  scales?: TrailingScale[];
  timeOfDay?: boolean;
  /** Seasonal residual feature (features.ts). */
  seasonal?: boolean;
  /** Robust forecaster residual feature (features.ts). */
  residual?: boolean;
  forest?: ForestOptions;
  contamination?: number;
  /** Feature rows needed before the first model is fitted. */
  minTrainRows?: number;
  /** Most recent rows a model is fitted on. */
  trainWindow?: number;
  /** Refit on the trailing window every this many rows (0: never). */
  retrainEvery?: number;
  likelihood?: Partial<LikelihoodOptions>;
  /** What the anomaly score is made of: the anomaly likelihood of the raw scores (default) or the raw score. */
  scoring?: 'likelihood' | 'raw';
  /**
   * With likelihood scoring, the alarm threshold is logLikelihood(1 - falseAlarmRate): the
   * rate at which a stationary target would alarm by chance.
   */
  falseAlarmRate?: number;
  /** Range breakout margin as a share of the training range; false turns the check off. */
  breakoutMargin?: number | false;
  /** Per-metric one-sample spike member (spike.ts); false turns it off. */
  spikes?: boolean;
  /** Per-metric seasonal member (the daily residual by its own tail, post-processor.ts); false turns it off. */
  seasonalMember?: boolean;
  /** The spike member judges a positive, right-skewed metric in logs (own-scale.ts); false: always on the linear scale. */
  logScale?: boolean;
  /** Refractory period after a high score; 0 turns it off. */
  refractorySeconds?: number;
  refractory?: Partial<Omit<RefractoryOptions, 'seconds'>>;
  /** Fixed alarm threshold on the anomaly score, instead of the calibrated one. */
  alarmThreshold?: number;
}

export interface DetectionResult {
  /** False while no model exists yet; the scores are then 0. */
  ready: boolean;
  /** Raw isolation score of this sample's features. */
  score: number;
  /** Anomaly likelihood of the recent raw scores, 0..1. */
  likelihood: number;
  /** The score after post-processing (breakout, refractory period), 0..1: the figure to threshold, chart and store. */
  anomalyScore: number;
  /** Threshold anomalyScore is compared with. */
  threshold: number;
  isAnomaly: boolean;
  /** Metric beyond its training range, when that raised the score. */
  breakout?: string;
  /** What drove the score: the forest's likelihood, a range breakout, a metric's one-sample spike or its departure from its daily pattern. */
  cause?: 'forest' | 'breakout' | 'spike' | 'seasonal';
  explanation?: Explanation;
}

export const DEFAULT_DETECTOR_OPTIONS = {
  minTrainRows: 288,
  trainWindow: 4_032,
  retrainEvery: 288,
  breakoutMargin: 0.25,
  refractorySeconds: 86_400,
  /**
   * The likelihood's refractory bar decays, and a score must clear the bar of what was
   * last reported by 0.2 (about 100 times less likely) to page again (docs/anomaly.md, ablation).
   */
  refractory: { mode: 'decay', margin: 0, reportedMargin: 0.2 },
  /** Per-metric one-sample spike member. */
  spikes: true,
  /**
   * Per-metric seasonal member: lifts the daily-periodic series without the forest feature's
   * loss on AWS (docs/anomaly.md, third round).
   */
  seasonalMember: true,
  /** The spike member judges a heavy right tail in logs: fewer false spikes of latencies, NAB level (docs/anomaly.md, "Shapes"). */
  logScale: true,
  scoring: 'likelihood',
  falseAlarmRate: 1e-5,
  /** One trailing scale: a second one lowered the NAB score (docs/anomaly.md). */
  scales: [{ label: '24 h', seconds: 86_400 }],
  /** Time-of-day features: they lift daily-periodic data and do not hurt the rest (docs/anomaly.md). */
  timeOfDay: true,
} as const;

/** The feature spec a detector with these options builds (the server's models use the same). */
export function detectorFeatureSpec(metrics: string[], options: Pick<DetectorOptions, 'scales' | 'timeOfDay' | 'seasonal' | 'residual'> = {}): FeatureSpec {
  return featureSpec(metrics, {
    scales: options.scales ?? [...DEFAULT_DETECTOR_OPTIONS.scales],
    timeOfDay: options.timeOfDay ?? DEFAULT_DETECTOR_OPTIONS.timeOfDay,
    seasonal: options.seasonal ?? false,
    residual: options.residual ?? false,
  });
}

/**
 * The most metrics one model can take with these feature options: the forest's split
 * format holds at most MAX_FEATURES features (3 per metric and 2 for the time of day by
 * default: 84 metrics). A target with more (a scraped node_exporter instance has hundreds
 * of series) is modelled on a choice of them (the server's service picks them).
 */
export function maxDetectorMetrics(options: Pick<DetectorOptions, 'scales' | 'timeOfDay' | 'seasonal' | 'residual'> = {}): number {
  const info = featureInfo(detectorFeatureSpec(['m'], options));
  const perMetric = info.filter((f) => f.metric !== undefined).length;
  return Math.floor((MAX_FEATURES - (info.length - perMetric)) / perMetric);
}

/** The post-processing a detector with these options runs (the server's per-target scorer uses the same). */
export function detectorPostProcessOptions(options: Partial<DetectorOptions> = {}): PostProcessOptions {
  return {
    scoring: options.scoring ?? DEFAULT_DETECTOR_OPTIONS.scoring,
    falseAlarmRate: options.falseAlarmRate ?? DEFAULT_DETECTOR_OPTIONS.falseAlarmRate,
    ...(options.alarmThreshold !== undefined ? { alarmThreshold: options.alarmThreshold } : {}),
    ...(options.likelihood ? { likelihood: options.likelihood } : {}),
    refractorySeconds: options.refractorySeconds ?? DEFAULT_DETECTOR_OPTIONS.refractorySeconds,
    refractory: { ...DEFAULT_DETECTOR_OPTIONS.refractory, ...options.refractory },
    spikes: options.spikes ?? DEFAULT_DETECTOR_OPTIONS.spikes,
    seasonal: options.seasonalMember ?? DEFAULT_DETECTOR_OPTIONS.seasonalMember,
    logScale: options.logScale ?? DEFAULT_DETECTOR_OPTIONS.logScale,
  };
}

/**
 * Everything one target needs, in the order the server runs it: causal features, the
 * current model, raw score, post-processing (likelihood, breakout, spikes, refractory
 * period; post-processor.ts, shared with the server), alarm and explanation. The first
 * model is fitted once minTrainRows samples exist and refitted on a trailing window, so
 * each row is always scored by a model that has seen only the past.
 */
export class StreamingDetector {
  readonly spec: FeatureSpec;
  private readonly options: DetectorOptions;
  private readonly builder: FeatureBuilder;
  private readonly post: PostProcessor;
  private readonly history: Float64Array;
  private readonly historyTimes: Float64Array;
  private rowsSeen = 0;
  private rowsSinceFit = 0;
  private current: AnomalyModel | undefined;
  private fits = 0;

  constructor(options: DetectorOptions) {
    this.options = options;
    const most = maxDetectorMetrics(options);
    if (options.metrics.length > most) throw new RangeError(`a detector takes at most ${most} metrics with these features (${MAX_FEATURES} features a model); got ${options.metrics.length}`);
    this.spec = detectorFeatureSpec(options.metrics, options);
    this.builder = new FeatureBuilder(this.spec);
    this.post = new PostProcessor(this.spec, detectorPostProcessOptions(options));
    const window = options.trainWindow ?? DEFAULT_DETECTOR_OPTIONS.trainWindow;
    this.history = new Float64Array(window * this.builder.width);
    this.historyTimes = new Float64Array(window);
  }

  get model(): AnomalyModel | undefined {
    return this.current;
  }

  push(timestampMs: number, values: Readonly<Record<string, number | undefined>>): DetectionResult {
    const features = this.builder.push(timestampMs, values);
    const observed = this.post.observe(features, this.builder);
    let result: DetectionResult = { ready: false, score: 0, likelihood: 0, anomalyScore: 0, threshold: 1, isAnomaly: false };
    const model = this.current;
    if (model) {
      const margin = this.options.breakoutMargin ?? DEFAULT_DETECTOR_OPTIONS.breakoutMargin;
      const breakout = margin === false ? null : (rangeBreakout(model, features, margin) ?? null);
      const verdict = { score: scoreFeatures(model, features), breakout, crept: breakout !== null && breakoutCrept(model, features, breakout) };
      const r = this.post.decide(timestampMs, verdict, observed, model.threshold);
      result = {
        ready: true,
        score: verdict.score,
        likelihood: r.likelihood,
        anomalyScore: r.anomalyScore,
        threshold: r.threshold,
        isAnomaly: r.isAnomaly,
        cause: r.cause,
        ...(verdict.breakout !== null ? { breakout: verdict.breakout } : {}),
        ...(r.isAnomaly ? { explanation: withMemberNote(explain(model, features), r.note ?? (verdict.breakout !== null && r.cause === 'breakout' ? breakoutNote(model, features, verdict.breakout) : undefined)) } : {}),
      };
    }
    this.remember(timestampMs, features);
    this.maybeFit();
    return result;
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
    // A metric that appeared within the window reads its first value before it, not a made-up 0.
    this.builder.fillUnseen(data, rows);
    this.current = fitModel(this.spec, { data, rows, cols: width }, {
      ...this.options.forest,
      seed: (this.options.forest?.seed ?? 1) + this.fits,
      ...(this.options.contamination !== undefined ? { contamination: this.options.contamination } : {}),
      trainedFrom: this.historyTimes[first % window]!,
      trainedTo: this.historyTimes[(this.rowsSeen - 1) % window]!,
    });
    // A metric of the spec not seen yet has no range to break out of (its placeholder 0 is not one).
    const info = this.builder.info;
    this.spec.metrics.forEach((metric, m) => {
      if (this.builder.seen(m)) return;
      const f = info.findIndex((i) => i.metric === metric && i.kind === 'value');
      this.current!.featureMin[f] = -Infinity;
      this.current!.featureMax[f] = Infinity;
    });
    // The first model's scores of its own training rows give the likelihood a history, so
    // it can judge the very next sample instead of learning for another period first.
    if (this.fits === 0) this.post.warm(scoreRows(this.current, { data, rows, cols: width }));
    this.fits++;
    this.rowsSinceFit = 0;
  }
}
