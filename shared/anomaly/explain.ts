import { Z_LIMIT, type FeatureInfo } from './features.ts';
import { scoreForest } from './forest.ts';
import { modelFeatures, type AnomalyModel } from './model.ts';
import { applyScaler } from './scaler.ts';

export interface FeatureContribution {
  name: string;
  kind: FeatureInfo['kind'];
  metric?: string;
  /** The feature as built (value, z-score, delta...). */
  value: number;
  /** Distance from the training median in robust standard deviations. */
  deviation: number;
  /** Drop in the isolation score when this feature is reset to its training median. */
  contribution: number;
}

export interface MetricExplanation {
  metric: string;
  value: number;
  /** z-score against the longest trailing scale ("its 24 h mean"). */
  sigma: number;
  baseline: string;
  status: 'above' | 'below' | 'normal';
  /** Share of the anomaly attributed to this metric's features, 0..1. */
  share: number;
}

export interface Explanation {
  /** e.g. "cpu 4.1σ above its 24 h mean, network_in normal". */
  summary: string;
  metrics: MetricExplanation[];
  /** Every feature, biggest contribution first. */
  features: FeatureContribution[];
}

/** A metric is named as a driver when it carries this share of the attribution... */
const DRIVER_SHARE = 0.2;
/** ...or sits this far from its baseline. */
const DRIVER_SIGMA = 3;

/**
 * Explains one score: each feature, and each metric's features together, are reset to
 * their training median (what "normal" looks like to this model) and the row re-scored;
 * the drop is the contribution (a metric's share comes from resetting its features together).
 * This uses the forest itself, so it names the features the model actually isolated on,
 * and costs one batch of (features + 1) rows, which is only paid for anomalies.
 */
export function explain(model: AnomalyModel, features: Float64Array): Explanation {
  const info = modelFeatures(model);
  const width = info.length;
  const scaled = applyScaler(model.scaler, { data: features, rows: 1, cols: width }).data;
  // Rows: the sample, the sample with one feature reset, then with each group reset at
  // once (a metric's features, the time features): features of one metric carry the same
  // news, so resetting one alone barely moves the score when the others still isolate it.
  const groups = [...model.spec.metrics.map((m) => (f: FeatureInfo) => f.metric === m), (f: FeatureInfo) => f.kind === 'time'];
  const rows = width + 1 + groups.length;
  const batch = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    batch.set(scaled, r * width);
    if (r > 0 && r <= width) batch[r * width + (r - 1)] = 0;
    if (r > width) info.forEach((f, i) => {
      if (groups[r - width - 1]!(f)) batch[r * width + i] = 0;
    });
  }
  const scores = scoreForest(model.forest, { data: batch, rows, cols: width });
  const base = scores[0]!;
  const groupDrop = groups.map((_, g) => Math.max(0, base - scores[width + 1 + g]!));
  const contributions: FeatureContribution[] = info.map((f, i) => ({
    name: f.name,
    kind: f.kind,
    ...(f.metric !== undefined ? { metric: f.metric } : {}),
    value: features[i]!,
    deviation: scaled[i]!,
    contribution: Math.max(0, base - scores[i + 1]!),
  }));
  const groupOf = (c: FeatureContribution) => (c.metric !== undefined ? model.spec.metrics.indexOf(c.metric) : c.kind === 'time' ? groups.length - 1 : -1);
  const totalGroups = groupDrop.reduce((a, b) => a + b, 0);
  const baseline = model.spec.scales.at(-1)?.label ?? 'trailing';
  const metrics = model.spec.metrics.map((metric, g): MetricExplanation => {
    const own = contributions.filter((c) => c.metric === metric);
    const share = totalGroups > 0 ? groupDrop[g]! / totalGroups : 0;
    const value = own.find((c) => c.kind === 'value')?.value ?? NaN;
    const sigma = own.filter((c) => c.kind === 'zscore').at(-1)?.value ?? 0;
    const driver = share >= DRIVER_SHARE || Math.abs(sigma) >= DRIVER_SIGMA;
    return { metric, value, sigma, baseline, status: driver ? (sigma >= 0 ? 'above' : 'below') : 'normal', share };
  });
  metrics.sort((a, b) => b.share - a.share);
  // Features of the group that moved the score most come first, each group's biggest first.
  const drop = (c: FeatureContribution) => groupDrop[groupOf(c)] ?? 0;
  contributions.sort((a, b) => drop(b) - drop(a) || b.contribution - a.contribution);
  const timeShare = totalGroups > 0 ? groupDrop[groups.length - 1]! / totalGroups : 0;
  return { summary: summarise(metrics, timeShare), metrics, features: contributions };
}

/**
 * The explanation of an alarm a post-processing member raised on a signal the forest does
 * not see (PostProcessed.note, e.g. a metric off its daily pattern): its words lead the
 * summary. Without a note the explanation is returned as it is.
 */
export function withMemberNote(explanation: Explanation, note: string | undefined): Explanation {
  return note ? { ...explanation, summary: `${note}; ${explanation.summary}` } : explanation;
}

/** Normal metrics named one by one in a summary; more are counted ("27 other metrics normal"). */
const NORMAL_NAMED = 3;

function summarise(metrics: MetricExplanation[], timeShare: number): string {
  // Features clip z-scores, so a value at the clip is "more than" that far away.
  const sigma = (s: number) => (Math.abs(s) >= Z_LIMIT ? `more than ${Z_LIMIT}σ` : `${Math.abs(s).toFixed(1)}σ`);
  // Drivers first (by share), whatever their share against the normal metrics'; a target of
  // 30 metrics does not list 29 of them as normal (nor bury its driver among them).
  const drivers = metrics.filter((m) => m.status !== 'normal');
  const normal = metrics.filter((m) => m.status === 'normal');
  const parts = drivers.map((m) => `${m.metric} ${sigma(m.sigma)} ${m.status} its ${m.baseline} mean`);
  if (normal.length <= NORMAL_NAMED) parts.push(...normal.map((m) => `${m.metric} normal`));
  else parts.push(drivers.length > 0 ? `${normal.length} other metrics normal` : `all ${normal.length} metrics normal`);
  // Only when no metric stands out: resetting time of day moves any row a little.
  if (timeShare >= DRIVER_SHARE && metrics.every((m) => m.status === 'normal')) parts.push('unusual for the time of day');
  return parts.join(', ');
}
