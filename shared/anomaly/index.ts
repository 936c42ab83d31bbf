/**
 * The anomaly engine: pure TypeScript, used by the server's scoring workers, the desktop's
 * utility process and the evaluation CLI. See docs/anomaly.md.
 *
 * Streaming use (one detector per target, fed in time order):
 *   const d = new StreamingDetector({ metrics: ['cpu', 'network_in'] });
 *   const r = d.push(Date.now(), { cpu: 93.1, network_in: 1.2e6 });
 *   // r = { ready, score, likelihood, anomalyScore, isAnomaly, explanation? }
 *
 * Split use (the server keeps features and likelihood per target, workers score):
 *   FeatureBuilder -> fitModel / scoreFeatures / explain -> AnomalyLikelihood
 * Models travel as bytes: serializeModel / deserializeModel (versioned binary format).
 */
export { StreamingDetector, DEFAULT_DETECTOR_OPTIONS, detectorFeatureSpec, maxDetectorMetrics, detectorPostProcessOptions, type DetectorOptions, type DetectionResult } from './detector.ts';
export { PostProcessor, type PostProcessOptions, type PostProcessed, type ModelVerdict, type Spike, type Observed } from './post-processor.ts';
export { SpikeTail } from './spike.ts';
export { FeatureBuilder, featureSpec, featureInfo, DEFAULT_SCALES, type FeatureSpec, type FeatureInfo, type TrailingScale } from './features.ts';
export { fitForest, scoreForest, scoreRow, DEFAULT_FOREST_OPTIONS, type Forest, type ForestOptions } from './forest.ts';
export { fitModel, fitModelScored, scoreRows, scoreFeatures, DEFAULT_CONTAMINATION, type AnomalyModel, type FitModelOptions } from './model.ts';
export { explain, withMemberNote, type Explanation, type MetricExplanation, type FeatureContribution } from './explain.ts';
export { AnomalyLikelihood, logLikelihood, likelihoodThreshold, DEFAULT_LIKELIHOOD_OPTIONS, type LikelihoodOptions } from './likelihood.ts';
export { averagePathLength, depthLimit } from './path-length.ts';
export { matrixFromRows, type Matrix } from './matrix.ts';
export { createRandom, type Random } from './prng.ts';
export { serializeModel, deserializeModel, modelToBase64, modelFromBase64, ModelFormatError, MODEL_FORMAT_VERSION } from './serialize.ts';
export { CounterRates, isCumulativeName, rateKey, isRateKey } from './counter-rates.ts';
export { rangeBreakout, breakoutCrept, breakoutNote, Refractory, BREAKOUT_SCORE, DEFAULT_REFRACTORY_OPTIONS, type RefractoryOptions } from './postprocess.ts';
