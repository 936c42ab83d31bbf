/**
 * Evaluates the anomaly engine on NAB-style data exactly as the server runs it: one
 * streaming detector per series, each row scored with the past only.
 *
 *   npm run anomaly:eval [-- --data <folder> --labels <windows json> --out <folder>
 *                         --peers <folder> --seeds 0-4 --family <name,...> --ablation]
 *
 * With no arguments: the whole development set (every family under shared/data/nab, labels
 * dev_windows.json) and the published peers in shared/data/nab-peers. Writes NAB results
 * files (timestamp,value,anomaly_score,label), prints per-file, per-family and overall
 * figures beside the peers', and ends with one JSON line.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_DETECTOR_OPTIONS, StreamingDetector, type DetectorOptions } from '../shared/anomaly/index.ts';
import { findCsvFiles, readSeries, readWindows, windowIndices, type NabSeries } from './anomaly-eval/nab-files.ts';
import { probationaryLength, scoreCorpus, type ProfileResult, type ScoredFile, type WindowIndices } from './anomaly-eval/nab-scorer.ts';
import { familyOf, familyScores, familySpread, type FamilyScore } from './anomaly-eval/families.ts';
import { readPeers } from './anomaly-eval/peers.ts';
import { parseSeeds } from './anomaly-eval/seeds.ts';
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
    name: 'plain Isolation Forest over value, z-score, delta (raw score, no time of day, breakout, spikes or refractory period)',
    options: { scoring: 'raw', breakoutMargin: false, refractorySeconds: 0, timeOfDay: false, spikes: false },
  },
  { name: 'raw score instead of likelihood', options: { scoring: 'raw' } },
  { name: 'no range breakout', options: { breakoutMargin: false } },
  { name: 'range breakout margin 15 % instead of 25 %', options: { breakoutMargin: 0.15 } },
  { name: 'no per-metric spike member', options: { spikes: false } },
  { name: 'no per-metric seasonal member', options: { seasonalMember: false } },
  { name: 'spike member on the linear scale only (no logs for a heavy right tail)', options: { logScale: false } },
  { name: 'no refractory period', options: { refractorySeconds: 0 } },
  { name: 'refractory holds 24 h (the previous rule) instead of decaying', options: { refractory: { mode: 'hold', margin: 0, reportedMargin: 0 } } },
  { name: 'refractory decays, without the 0.2 margin over the last reported score', options: { refractory: { reportedMargin: 0 } } },
  { name: 'scales 1 h + 24 h', options: { scales: [{ label: '1 h', seconds: 3_600 }, { label: '24 h', seconds: 86_400 }] } },
  { name: 'no time-of-day features', options: { timeOfDay: false } },
  { name: 'seasonal residual feature added', options: { seasonal: true } },
  { name: 'robust forecaster (median of 5) residual feature added', options: { residual: true } },
  { name: 'no retraining (one model)', options: { retrainEvery: 0 } },
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

/** The development data: the first `shared/data/nab` found walking up from the repository (worktrees sit deeper than the main checkout). */
function defaultDataFolder(): string | undefined {
  let dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  for (let i = 0; i < 4; i++) {
    for (const candidate of [join(dir, 'shared', 'data', 'nab'), join(dir, '..', 'shared', 'data', 'nab')]) {
      if (existsSync(join(candidate, 'dev_windows.json'))) return resolve(candidate);
    }
    dir = dirname(dir);
  }
  return undefined;
}

const pad = (text: string, width: number) => text.padEnd(width);
const cell = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

function printNab(label: string, nab: ProfileResult[]): void {
  console.log(`${pad(label, 14)}${nab.map((p) => `${p.profile} ${fixed(p.normalisedScore, 1)} (threshold ${fixed(p.threshold, 4)})`).join(', ')}`);
}

/**
 * Per family, the standard profile at each detector's own corpus-wide threshold. A family
 * without windows shows its false-positive cost (raw score, 0 = no false alarm) in brackets.
 */
function printFamilies(detectors: { label: string; nab: ProfileResult[] }[]): void {
  const tables = detectors.map((d) => familyScores(d.nab.find((p) => p.profile === 'standard')!));
  const families = tables[0]!.map((f) => f.family);
  console.log(`per family, NAB standard at each detector's corpus threshold (no-window families: [false-positive cost]):`);
  console.log(`${pad('family', 24)}${pad('files', 7)}${pad('windows', 9)}${detectors.map((d) => pad(d.label, 10)).join('')}`);
  for (const family of families) {
    const rows = tables.map((t) => t.find((f) => f.family === family)!);
    const first = rows[0]!;
    const figures = rows.map((f) => pad(first.windows > 0 ? cell(f.normalisedScore) : `[${f.rawScore.toFixed(2)}]`, 10)).join('');
    console.log(`${pad(family, 24)}${pad(String(first.files), 7)}${pad(String(first.windows), 9)}${figures}`);
  }
}

/**
 * Per family, the spread of our standard score over the forest seeds: one family's figure
 * at one seed moves by several points with the seed, so a change is judged on these means.
 */
function printSeedFamilies(seedsText: string, spread: ReturnType<typeof familySpread>): void {
  console.log(`per family over seeds ${seedsText}, NAB standard at each seed's corpus threshold (no-window families: [false-positive cost]):`);
  console.log(`${pad('family', 24)}${pad('mean', 8)}${pad('min', 8)}max`);
  for (const f of spread) {
    const show = (x: number) => (f.windows > 0 ? fixed(x, 1) : `[${fixed(x, 2)}]`);
    console.log(`${pad(f.family, 24)}${pad(show(f.mean), 8)}${pad(show(f.min), 8)}${show(f.max)}`);
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      peers: { type: 'string' },
      seeds: { type: 'string' },
      family: { type: 'string' },
      ablation: { type: 'boolean' },
      quiet: { type: 'boolean' },
      /** Detector options (JSON) over the defaults, for trying a variant; the defaults are what the server runs. */
      options: { type: 'string' },
    },
  });
  const data = values.data ?? defaultDataFolder();
  const labelsPath = values.labels ?? (data ? join(data, 'dev_windows.json') : undefined);
  if (!data || !labelsPath || !existsSync(labelsPath)) {
    console.error('usage: npm run anomaly:eval [-- --data <folder of NAB-style CSVs> --labels <windows json> --out <folder> --peers <folder> --seeds 0-4 --family <a,b> --ablation]');
    console.error('no --data given and no shared/data/nab with dev_windows.json found above the repository');
    process.exit(2);
  }
  const baseOptions = values.options ? (JSON.parse(values.options) as Partial<DetectorOptions>) : {};
  const out = values.out ?? join(tmpdir(), 'smartcloudops-anomaly-eval');
  const peersFolder = values.peers ?? join(dirname(resolve(data)), 'nab-peers');
  const onlyFamilies = values.family ? new Set(values.family.split(',').map((f) => f.trim())) : undefined;
  const labels = readWindows(labelsPath);
  const keys = new Set(Object.keys(labels));
  const inputs = findCsvFiles(data)
    .map((path) => {
      const series = readSeries(data, path, keys);
      return { series, windows: windowIndices(series.times, labels[series.key] ?? []) };
    })
    .filter(({ series }) => !onlyFamilies || onlyFamilies.has(familyOf(series.key)));
  const results: FileResult[] = [];
  for (const { series, windows } of inputs) {
    const result = evaluate(series, windows, baseOptions);
    writeResults(out, data, result);
    results.push(result);
  }
  if (results.length === 0) {
    console.error(`no CSV files under ${data}`);
    process.exit(2);
  }
  const nab = scoreCorpus(results.map((r) => ({ name: r.series.key, scores: r.scores, windows: r.windows })));
  const standard = nab.find((p) => p.profile === 'standard')!;
  if (!values.quiet) {
    console.log('file\tauc-raw\tauc-final\twindows\tdetected\talarms\tin-window\tnab-standard');
    results.forEach((r, i) => {
      const c = r.counts;
      console.log(`${r.series.key}\t${fixed(r.rawAuc)}\t${fixed(r.auc)}\t${c.windows}\t${c.detectedWindows}\t${c.alarms}\t${c.alarmsInWindows}\t${fixed(standard.perFile[i]!.normalisedScore, 1)}`);
    });
  }
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

  const peers = readPeers(peersFolder, inputs).map((p) => ({ ...p, nab: scoreCorpus(p.files) }));
  if (peers.length > 0) {
    console.log(`peers (${peersFolder}), the same scorer over the same ${results.length} files:`);
    printNab('ours', nab);
    for (const p of peers) {
      printNab(p.label, p.nab);
      if (p.missing.length > 0) console.log(`  ${p.label}: no results for ${p.missing.length} files (scored as never firing)`);
    }
  }
  printFamilies([{ label: 'ours', nab }, ...peers]);

  let seeds: { seed: number; nab: Record<string, number>; families: FamilyScore[] }[] | undefined;
  let seedFamilies: ReturnType<typeof familySpread> | undefined;
  if (values.seeds) {
    seeds = parseSeeds(values.seeds).map((seed) => {
      const scored: ScoredFile[] = inputs.map(({ series, windows }) => ({ name: series.key, scores: evaluate(series, windows, { ...baseOptions, forest: { ...baseOptions.forest, seed } }).scores, windows }));
      const figures = scoreCorpus(scored);
      console.log(`seed ${seed}: NAB ${figures.map((p) => `${p.profile} ${fixed(p.normalisedScore, 1)}`).join(', ')}`);
      return { seed, nab: Object.fromEntries(figures.map((p) => [p.profile, p.normalisedScore])), families: familyScores(figures.find((p) => p.profile === 'standard')!) };
    });
    seedFamilies = familySpread(seeds.map((s) => s.families));
    printSeedFamilies(values.seeds, seedFamilies);
    for (const p of nab) {
      const xs = seeds.map((s) => s.nab[p.profile]!);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(`seeds ${values.seeds} ${p.profile}: mean ${fixed(m, 1)}, min ${fixed(Math.min(...xs), 1)}, max ${fixed(Math.max(...xs), 1)}; default seed ${fixed(p.normalisedScore, 1)} (mean ${fixed(m - p.normalisedScore, 1)}, min ${fixed(Math.min(...xs) - p.normalisedScore, 1)})`);
    }
  }
  const ablation: Record<string, Record<string, number | null>> = {};
  if (values.ablation) {
    for (const variant of ABLATIONS) {
      const scored = inputs.map(({ series, windows }) => ({ name: series.key, scores: evaluate(series, windows, { ...baseOptions, ...variant.options }).scores, windows }));
      const figures = scoreCorpus(scored);
      ablation[variant.name] = Object.fromEntries(figures.map((p) => [p.profile, round(p.normalisedScore, 2)]));
      console.log(`ablation: ${variant.name}: NAB ${figures.map((p) => `${p.profile} ${fixed(p.normalisedScore, 1)}`).join(', ')}`);
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
      families: Object.fromEntries(familyScores(standard).map((f) => [f.family, round(f.windows > 0 ? f.normalisedScore : f.rawScore, 2)])),
      peers: Object.fromEntries(peers.map((p) => [p.id, Object.fromEntries(p.nab.map((q) => [q.profile, round(q.normalisedScore, 2)]))])),
      ...(seeds ? { seeds: seeds.map((s) => ({ seed: s.seed, nab: Object.fromEntries(Object.entries(s.nab).map(([k, v]) => [k, round(v, 2)])) })) } : {}),
      ...(seedFamilies ? { seedFamilies: Object.fromEntries(seedFamilies.map((f) => [f.family, { mean: round(f.mean, 2), min: round(f.min, 2), max: round(f.max, 2) }])) } : {}),
      ...(values.ablation ? { ablation } : {}),
    }),
  );
}

main();
