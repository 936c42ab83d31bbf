/**
 * Evaluates the anomaly engine on NAB-style data exactly as the server runs it: one
 * streaming detector per series, each row scored with the past only.
 *
 *   npm run anomaly:eval -- --data <folder of CSVs> --labels <windows json> --out <folder>
 *
 * Writes NAB results files (timestamp,value,anomaly_score,label), prints per-file and
 * overall figures, and ends with one JSON line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTOR_OPTIONS, StreamingDetector, type DetectorOptions } from '../shared/anomaly/index.ts';
import { findCsvFiles, readSeries, readWindows, windowIndices, type NabSeries } from './anomaly-eval/nab-files.ts';
import { probationaryLength, scoreCorpus, type WindowIndices } from './anomaly-eval/nab-scorer.ts';
import { ratio, rocAuc, windowCounts, type WindowCounts } from './anomaly-eval/metrics.ts';

interface FileResult {
  series: NabSeries;
  windows: WindowIndices[];
  scores: Float64Array;
  rawScores: Float64Array;
  alarms: boolean[];
  auc: number;
  rawAuc: number;
  counts: WindowCounts;
}

/**
 * Server defaults unless an ablation variant overrides some. NAB gives every detector its
 * probationary period to learn in, so the first model is trained after at most that many
 * rows (the server's default, 288, is longer than the probation of a short file).
 */
function evaluate(series: NabSeries, windows: WindowIndices[], overrides: Partial<DetectorOptions> = {}): FileResult {
  const minTrainRows = Math.min(DEFAULT_DETECTOR_OPTIONS.minTrainRows, probationaryLength(series.values.length));
  const detector = new StreamingDetector({ metrics: ['value'], minTrainRows, ...overrides });
  const scores = new Float64Array(series.values.length);
  const rawScores = new Float64Array(series.values.length);
  const alarms: boolean[] = [];
  for (let i = 0; i < series.values.length; i++) {
    const r = detector.push(series.times[i]!, { value: series.values[i]! });
    scores[i] = r.anomalyScore;
    rawScores[i] = r.score;
    alarms.push(r.isAnomaly);
  }
  const from = probationaryLength(series.values.length);
  const labels = labelsOf(series.values.length, windows).subarray(from);
  const auc = rocAuc(scores.subarray(from), labels);
  const rawAuc = rocAuc(rawScores.subarray(from), labels);
  return { series, windows, scores, rawScores, alarms, auc, rawAuc, counts: windowCounts(alarms, windows, from) };
}

/** Each post-processing step and feature choice switched off or changed alone, to show its effect. */
const ABLATIONS: { name: string; options: Partial<DetectorOptions> }[] = [
  {
    name: 'plain Isolation Forest over value, z-score, delta (raw score, no time of day, breakout or refractory period)',
    options: { scoring: 'raw', breakoutMargin: false, refractorySeconds: 0, timeOfDay: false },
  },
  { name: 'raw score instead of likelihood', options: { scoring: 'raw' } },
  { name: 'no range breakout', options: { breakoutMargin: false } },
  { name: 'range breakout margin 10 % instead of 25 %', options: { breakoutMargin: 0.1 } },
  { name: 'no refractory period', options: { refractorySeconds: 0 } },
  { name: 'refractory 12 h instead of 24 h', options: { refractorySeconds: 43_200 } },
  { name: 'scales 1 h + 24 h', options: { scales: [{ label: '1 h', seconds: 3_600 }, { label: '24 h', seconds: 86_400 }] } },
  { name: 'no time-of-day features', options: { timeOfDay: false } },
  { name: 'no retraining (one model)', options: { retrainEvery: 0 } },
  { name: 'forest seed 2', options: { forest: { seed: 2 } } },
];

function labelsOf(n: number, windows: WindowIndices[]): Uint8Array {
  const labels = new Uint8Array(n);
  for (const w of windows) labels.fill(1, w.start, w.end + 1);
  return labels;
}

function writeResults(outFolder: string, dataFolder: string, result: FileResult): void {
  const rel = relative(dataFolder, result.series.path);
  const target = join(outFolder, dirname(rel), `smartcloudops_${basename(rel)}`);
  mkdirSync(dirname(target), { recursive: true });
  const labels = labelsOf(result.scores.length, result.windows);
  const lines = ['timestamp,value,anomaly_score,label'];
  for (let i = 0; i < result.scores.length; i++) {
    lines.push(`${result.series.timestamps[i]},${result.series.values[i]},${result.scores[i]},${labels[i]}`);
  }
  writeFileSync(target, `${lines.join('\n')}\n`);
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const round = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

function main(): void {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, labels: { type: 'string' }, out: { type: 'string' }, ablation: { type: 'boolean' } },
  });
  if (!values.data || !values.labels || !values.out) {
    console.error('usage: npm run anomaly:eval -- --data <folder of NAB-style CSVs> --labels <windows json> --out <folder>');
    process.exit(2);
  }
  const labels = readWindows(values.labels);
  const keys = new Set(Object.keys(labels));
  const inputs = findCsvFiles(values.data).map((path) => {
    const series = readSeries(values.data!, path, keys);
    return { series, windows: windowIndices(series.times, labels[series.key] ?? []) };
  });
  const results: FileResult[] = [];
  for (const { series, windows } of inputs) {
    const result = evaluate(series, windows);
    writeResults(values.out, values.data, result);
    results.push(result);
  }
  if (results.length === 0) {
    console.error(`no CSV files under ${values.data}`);
    process.exit(2);
  }

  const nab = scoreCorpus(results.map((r) => ({ name: r.series.key, scores: r.scores, windows: r.windows })));
  const standard = nab.find((p) => p.profile === 'standard')!;
  console.log('file\tauc-raw\tauc-final\twindows\tdetected\talarms\tin-window\tnab-standard');
  results.forEach((r, i) => {
    const c = r.counts;
    console.log(`${r.series.key}\t${fixed(r.rawAuc)}\t${fixed(r.auc)}\t${c.windows}\t${c.detectedWindows}\t${c.alarms}\t${c.alarmsInWindows}\t${fixed(standard.perFile[i]!.normalisedScore, 1)}`);
  });
  const total = results.reduce(
    (t, r) => ({
      windows: t.windows + r.counts.windows,
      detectedWindows: t.detectedWindows + r.counts.detectedWindows,
      alarms: t.alarms + r.counts.alarms,
      alarmsInWindows: t.alarmsInWindows + r.counts.alarmsInWindows,
    }),
    { windows: 0, detectedWindows: 0, alarms: 0, alarmsInWindows: 0 },
  );
  const mean = (xs: number[]) => xs.filter(Number.isFinite).reduce((s, x, _, a) => s + x / a.length, 0);
  const meanAuc = mean(results.map((r) => r.auc));
  const meanRawAuc = mean(results.map((r) => r.rawAuc));
  const recall = ratio(total.detectedWindows, total.windows);
  const precision = ratio(total.alarmsInWindows, total.alarms);
  console.log(`overall: files ${results.length}, point ROC-AUC mean: raw score ${fixed(meanRawAuc)}, final score ${fixed(meanAuc)}; at the calibrated threshold: window recall ${fixed(recall)} (${total.detectedWindows}/${total.windows}), window precision ${fixed(precision)} (${total.alarmsInWindows}/${total.alarms} alarm events)`);
  for (const p of nab) console.log(`NAB ${p.profile}: ${fixed(p.normalisedScore, 1)} (threshold ${fixed(p.threshold, 4)})`);
  if (values.ablation) {
    for (const variant of ABLATIONS) {
      const scored = inputs.map(({ series, windows }) => ({ name: series.key, scores: evaluate(series, windows, variant.options).scores, windows }));
      const figures = scoreCorpus(scored).map((p) => `${p.profile} ${fixed(p.normalisedScore, 1)}`).join(', ');
      console.log(`ablation: ${variant.name}: NAB ${figures}`);
    }
  }
  console.log(
    JSON.stringify({
      files: results.length,
      rocAucRaw: round(meanRawAuc),
      rocAucFinal: round(meanAuc),
      windowRecall: round(recall),
      windowPrecision: round(precision),
      nab: Object.fromEntries(nab.map((p) => [p.profile, round(p.normalisedScore, 2)])),
      nabThresholds: Object.fromEntries(nab.map((p) => [p.profile, round(p.threshold)])),
    }),
  );
}

main();
