import { featureInfo, type FeatureInfo, type FeatureSpec } from './features.ts';
import { fitForest, scoreForest, DEFAULT_FOREST_OPTIONS, type Forest, type ForestOptions } from './forest.ts';
import type { Matrix } from './matrix.ts';
import { applyScaler, fitScaler, quantileSorted, type Scaler } from './scaler.ts';

/** A fitted detector for one target: what the registry stores and the workers load. */
export interface AnomalyModel {
  spec: FeatureSpec;
  scaler: Scaler;
  forest: Forest;
  /** Raw-score threshold: the (1 - contamination) quantile of the training scores. */
  threshold: number;
  contamination: number;
  /** Training scores at quantiles 0, 0.01, ..., 1: the score distribution kept in the registry. */
  scoreQuantiles: Float64Array;
  /** Smallest and largest value of each feature in the training window. */
  featureMin: Float64Array;
  featureMax: Float64Array;
  trainedRows: number;
  /** Training window, epoch ms. */
  trainedFrom: number;
  trainedTo: number;
  seed: number;
}

export interface FitModelOptions extends ForestOptions {
  /** Expected share of anomalous rows in training data; sets the raw-score threshold. */
  contamination?: number;
  trainedFrom?: number;
  trainedTo?: number;
}

export const DEFAULT_CONTAMINATION = 0.01;

/** Fits scaler, forest and threshold on feature rows built by a FeatureBuilder of `spec`. */
export function fitModel(spec: FeatureSpec, rows: Matrix, options: FitModelOptions = {}): AnomalyModel {
  return fitModelScored(spec, rows, options).model;
}

/**
 * `fitModel`, also returning the raw scores of the training rows in row order: the fit
 * scores them anyway (for the threshold), and they are exactly what `scoreRows` of the
 * model (or of its serialized copy) gives for those rows, so a caller warming up a
 * post-processor on the window need not score it again.
 */
export function fitModelScored(spec: FeatureSpec, rows: Matrix, options: FitModelOptions = {}): { model: AnomalyModel; scores: Float64Array } {
  const width = featureInfo(spec).length;
  if (rows.cols !== width) throw new RangeError(`feature rows have ${rows.cols} columns, the spec makes ${width}`);
  const contamination = options.contamination ?? DEFAULT_CONTAMINATION;
  if (!(contamination > 0 && contamination < 0.5)) throw new RangeError('contamination must be in (0, 0.5)');
  const seed = options.seed ?? DEFAULT_FOREST_OPTIONS.seed;
  const scaler = fitScaler(rows);
  const scaled = applyScaler(scaler, rows);
  const forest = fitForest(scaled, { ...options, seed });
  const trainingScores = scoreForest(forest, scaled);
  const scores = Float64Array.from(trainingScores).sort();
  const scoreQuantiles = new Float64Array(101);
  for (let q = 0; q <= 100; q++) scoreQuantiles[q] = quantileSorted(scores, q / 100);
  const featureMin = new Float64Array(width).fill(Infinity);
  const featureMax = new Float64Array(width).fill(-Infinity);
  for (let r = 0; r < rows.rows; r++) {
    for (let f = 0; f < width; f++) {
      const v = rows.data[r * width + f]!;
      if (v < featureMin[f]!) featureMin[f] = v;
      if (v > featureMax[f]!) featureMax[f] = v;
    }
  }
  const model: AnomalyModel = {
    spec,
    scaler,
    forest,
    threshold: quantileSorted(scores, 1 - contamination),
    contamination,
    scoreQuantiles,
    featureMin,
    featureMax,
    trainedRows: rows.rows,
    trainedFrom: options.trainedFrom ?? 0,
    trainedTo: options.trainedTo ?? 0,
    seed,
  };
  return { model, scores: trainingScores };
}

export function modelFeatures(model: AnomalyModel): FeatureInfo[] {
  return featureInfo(model.spec);
}

/** Raw isolation scores (0.5 is average, towards 1 is isolated quickly) of unscaled rows. */
export function scoreRows(model: AnomalyModel, rows: Matrix, out?: Float64Array): Float64Array {
  return scoreForest(model.forest, applyScaler(model.scaler, rows), out);
}

export function scoreFeatures(model: AnomalyModel, features: Float64Array): number {
  return scoreRows(model, { data: features, rows: 1, cols: features.length })[0]!;
}
