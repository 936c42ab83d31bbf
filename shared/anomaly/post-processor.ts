import { featureInfo, Z_LIMIT, type FeatureBuilder, type FeatureSpec } from './features.ts';
import { AnomalyLikelihood, DEFAULT_LIKELIHOOD_OPTIONS, likelihoodThreshold, logLikelihood, type LikelihoodOptions } from './likelihood.ts';
import { BREAKOUT_SCORE, DEFAULT_REFRACTORY_OPTIONS, Refractory, type RefractoryOptions } from './postprocess.ts';
import { DEFAULT_SPIKE_TAIL_OPTIONS, SPIKE_BASELINE_MEMORY, SpikeBaseline, SpikeTail } from './spike.ts';
import { OwnScale } from './own-scale.ts';
import { ValueLattice } from './value-lattice.ts';
import { IncidentMemory } from './incident-memory.ts';
import { LevelChange } from './level-change.ts';

export interface PostProcessOptions {
  /** What the anomaly score is made of: the anomaly likelihood of the raw scores, or the raw score. */
  scoring: 'likelihood' | 'raw';
  /** With likelihood scoring, the alarm threshold is logLikelihood(1 - falseAlarmRate). */
  falseAlarmRate: number;
  /** Fixed alarm threshold on the anomaly score, instead of the calibrated one. */
  alarmThreshold?: number;
  likelihood?: Partial<LikelihoodOptions>;
  /** Refractory period after a high score; 0 turns it off. */
  refractorySeconds: number;
  /** How the likelihood's and spikes' period behaves (a range breakout's always holds). */
  refractory: Partial<Omit<RefractoryOptions, 'seconds'>>;
  /** Per-metric one-sample spike member. */
  spikes: boolean;
  /** Per-metric seasonal member: the daily residual (FeatureBuilder.dailyResidual) by its own tail. */
  seasonal: boolean;
  /** The spike member judges a positive, right-skewed metric in logs (own-scale.ts); absent: true. */
  logScale?: boolean;
}

/** What the model says about one feature row: computed where the model is (a scoring worker, or in process). */
export interface ModelVerdict {
  /** Raw isolation score. */
  score: number;
  /** Metric beyond its training range, or null. */
  breakout: string | null;
  /** The breakout's metric crept out of its range (breakoutCrept): it silences the forest but pages nothing. */
  crept?: boolean;
}

/** The least likely per-metric member of a row (one-sample spike or seasonal residual). */
export interface Spike {
  metric: string;
  /** Tail probability of the member's signal by the metric's own history. */
  p: number;
  /** Which member: the trailing z-score ('spike') or the daily residual ('seasonal'). */
  member: 'spike' | 'seasonal';
  /** The member's signal: the z-score against the spike member's own baseline (spike.ts), or the daily residual in units of its typical size. */
  value: number;
  /** The spike member judged the metric in logs (own-scale.ts): `value` is in σ of its logs, and this is the sample's ratio to its usual level (the baseline's geometric mean). */
  ratio?: number;
}

/**
 * What observe() learnt of one row, for decide() of the same row: the server observes a
 * whole batch of rows before deciding each, so nothing of a row may wait in the processor.
 */
export interface Observed {
  /** The least likely per-metric member signal (one-sample spike or seasonal residual), if any. */
  spike: Spike | undefined;
  /**
   * Per metric, how often it has read a value as far out as this one on its side of its
   * usual level (value-lattice.ts: its next lattice step included); null when that is 0 for
   * every metric (no discrete metric, or values never read).
   */
  readAsOften: Float64Array | null;
}

export interface PostProcessed {
  /** Anomaly likelihood of the recent raw scores, 0..1. */
  likelihood: number;
  /** The score after post-processing: the figure to threshold, chart and store, 0..1. */
  anomalyScore: number;
  threshold: number;
  isAnomaly: boolean;
  /** What drove the score: 'forest', 'breakout', 'spike' or 'seasonal'. */
  cause: 'forest' | 'breakout' | 'spike' | 'seasonal';
  /** The metric behind a breakout, spike or seasonal alarm. */
  metric?: string;
  /**
   * Plain words for a spike or seasonal alarm, which the forest's explanation does not show
   * (the member's baseline and the daily residual are not its features): add it with withMemberNote().
   */
  note?: string;
}

/**
 * The per-target state between the model's raw verdict and the alarm: anomaly likelihood,
 * range breakout, per-metric spike tails, refractory periods and the threshold. One class
 * for every caller (StreamingDetector, the server's per-target scorer), so the evaluation
 * measures what the server runs.
 *
 * Call observe() for every feature row in order (also before a model exists: the spike
 * tails learn from them), then decide() for the rows a model scored.
 */
export class PostProcessor {
  private readonly options: PostProcessOptions;
  private readonly likelihood: AnomalyLikelihood;
  private refractory: Refractory;
  private breakoutRefractory: Refractory;
  private readonly spikeTails: SpikeTail[];
  private readonly seasonalTails: SpikeTail[];
  private readonly spikeBaselines: SpikeBaseline[];
  /** The same baseline and tail of the metric's logs, and whether to read them (own-scale.ts). */
  private readonly logBaselines: SpikeBaseline[];
  private readonly logTails: SpikeTail[];
  private readonly scales: OwnScale[];
  private readonly lattices: ValueLattice[];
  /** Each metric's watch for a level change that held (level-change.ts). */
  private readonly changes: LevelChange[];
  private readonly metrics: string[];
  /** Index of each metric's value in the feature row. */
  private readonly valueIndex: number[];
  /** Each metric's spike z-score at the last observed row: which side of its usual level it is on, and how far. */
  private readonly departure: Float64Array;
  /** Each metric's last page, so one incident pages once across causes (incident-memory.ts). */
  private pages: IncidentMemory;

  constructor(spec: FeatureSpec, options: PostProcessOptions) {
    this.options = options;
    this.likelihood = new AnomalyLikelihood(options.likelihood);
    this.refractory = new Refractory({ ...DEFAULT_REFRACTORY_OPTIONS, ...options.refractory, seconds: options.refractorySeconds });
    // A metric beyond its training range stays there until the next refit: the same
    // incident, so its period holds while the likelihood's decays (RefractoryOptions).
    this.breakoutRefractory = new Refractory({ seconds: options.refractorySeconds, mode: 'hold' });
    const info = featureInfo(spec);
    this.metrics = [...spec.metrics];
    this.valueIndex = spec.metrics.map((m) => info.findIndex((f) => f.metric === m && f.kind === 'value'));
    this.spikeTails = spec.metrics.map(() => new SpikeTail());
    this.spikeBaselines = spec.metrics.map(() => new SpikeBaseline());
    this.logBaselines = spec.metrics.map(() => new SpikeBaseline());
    this.logTails = spec.metrics.map(() => new SpikeTail());
    this.scales = spec.metrics.map(() => new OwnScale(DEFAULT_SPIKE_TAIL_OPTIONS.memory));
    this.lattices = spec.metrics.map(() => new ValueLattice(DEFAULT_SPIKE_TAIL_OPTIONS.memory));
    this.seasonalTails = spec.metrics.map(() => new SpikeTail());
    this.changes = spec.metrics.map(() => new LevelChange());
    this.departure = new Float64Array(spec.metrics.length);
    this.pages = new IncidentMemory(options.refractorySeconds, { ...DEFAULT_LIKELIHOOD_OPTIONS, ...options.likelihood }.shortWindow);
  }

  get threshold(): number {
    const o = this.options;
    return o.alarmThreshold ?? likelihoodThreshold(o.falseAlarmRate);
  }

  /**
   * Takes over another processor's refractory periods: a model replaced mid-incident (the
   * server's growth refits) must not page again for the incident that just paged.
   */
  continueRefractoryFrom(previous: PostProcessor): void {
    this.refractory = previous.refractory;
    this.breakoutRefractory = previous.breakoutRefractory;
    this.pages = previous.pages;
  }

  /** A model's raw scores of rows already seen (its training rows): the likelihood then judges the next sample at once. */
  warm(rawScores: ArrayLike<number>): void {
    for (let i = 0; i < rawScores.length; i++) this.likelihood.update(rawScores[i]!);
  }

  /**
   * Every feature row, in order, with the builder that made it: the least likely metric
   * signal of the members switched on, each by its own history (both members' tails learn
   * from every row). Metrics whose baseline has not settled are skipped.
   */
  observe(features: Float64Array, builder: Pick<FeatureBuilder, 'seen' | 'settled' | 'dailyResidual'>): Observed {
    const o = this.options;
    let best: Spike | undefined;
    let readAsOften: Float64Array | null = null;
    for (let m = 0; m < this.spikeTails.length; m++) {
      // A metric that has not appeared yet has a placeholder 0, not a value to learn.
      if (!builder.seen(m)) continue;
      // The member's own baseline sees every sample, also before the features' has settled.
      const x = features[this.valueIndex[m]!]!;
      const baseline = this.spikeBaselines[m]!;
      const z = baseline.update(x, Z_LIMIT);
      this.departure[m] = z;
      // The logs' baseline learns only from positive samples; a metric with any other in
      // memory is not judged in logs (own-scale.ts).
      const scale = this.scales[m]!;
      const inLogs = o.logScale !== false && scale.inLogs;
      scale.learn(x);
      const logBaseline = this.logBaselines[m]!;
      const usual = logBaseline.centre;
      const logZ = x > 0 ? logBaseline.update(Math.log(x), Z_LIMIT) : 0;
      // A level that changed for good: the baselines of the new level take over and the
      // tails, which learnt the change's excursions, restart; this row's z-scores (against
      // the old level) are then neither judged nor learnt (level-change.ts).
      const held = this.changes[m]!.observe(x, z, baseline.lastCentre, baseline.lastSpread, Z_LIMIT);
      if (held) {
        this.spikeBaselines[m] = held.linear;
        this.logBaselines[m] = held.log;
        this.spikeTails[m] = new SpikeTail();
        this.logTails[m] = new SpikeTail();
      }
      // A discrete metric's value it reads now and then is no spike, whatever its z, and
      // not a change of its daily pattern on its own either (value-lattice.ts).
      const lattice = this.lattices[m]!;
      const above = lattice.frequency(x, true);
      const below = lattice.frequency(x, false);
      lattice.learn(x);
      const often = z >= 0 ? above : below;
      if (often > 0) (readAsOften ??= new Float64Array(this.metrics.length))[m] = often;
      if (!builder.settled(m)) continue;
      const r = builder.dailyResidual(m);
      const q = Math.max(this.seasonalTails[m]!.update(r), r > 0 ? above : r < 0 ? below : 0);
      if (o.seasonal && (!best || q < best.p)) best = { metric: this.metrics[m]!, p: q, member: 'seasonal', value: r };
      // Both tails learn from every row; the one of the metric's own scale speaks.
      const linearP = held ? 1 : this.spikeTails[m]!.update(z);
      // In logs, 0 or below is infinitely far below the usual level.
      const logP = held ? 1 : x > 0 ? this.logTails[m]!.update(logZ) : this.logTails[m]!.tail(Z_LIMIT);
      const p = Math.max(inLogs ? logP : linearP, z >= 0 ? above : below);
      if (o.spikes && (!best || p < best.p)) best = { metric: this.metrics[m]!, p, member: 'spike', value: inLogs ? (x > 0 ? logZ : -Z_LIMIT) : z, ...(inLogs ? { ratio: x / Math.exp(usual) } : {}) };
    }
    return { spike: best, readAsOften };
  }

  /**
   * Whether a page is the incident its metric last paged for (incident-memory.ts). A forest
   * alarm names no metric: it is taken to be about the metric furthest from its usual level.
   */
  private samePage(metric: string | undefined): boolean {
    let m = metric !== undefined ? this.metrics.indexOf(metric) : -1;
    if (metric === undefined) {
      for (let k = 0; k < this.departure.length; k++) if (m < 0 || Math.abs(this.departure[k]!) > Math.abs(this.departure[m]!)) m = k;
    }
    if (m < 0) return false;
    return this.pages.samePage(this.metrics[m]!, Math.sign(this.departure[m]!));
  }

  /** The alarm decision for a row the model scored; `modelThreshold` serves raw scoring. */
  decide(timestampMs: number, verdict: ModelVerdict, observed: Observed, modelThreshold: number): PostProcessed {
    const o = this.options;
    const spike = observed.spike;
    const likelihood = this.likelihood.update(verdict.score);
    const byLikelihood = o.scoring === 'likelihood';
    const threshold = o.alarmThreshold ?? (byLikelihood ? likelihoodThreshold(o.falseAlarmRate) : modelThreshold);
    let anomalyScore: number;
    let cause: PostProcessed['cause'] = 'forest';
    let metric: string | undefined;
    if (verdict.breakout !== null) {
      // A metric that crept beyond its range is where its trend put it: no page, and (as
      // while any breakout lasts) the forest, which sees it beyond its range too, is not asked.
      // A discrete metric beyond its range at a value it reads (its next lattice step
      // included, value-lattice.ts) is judged by how often it reads one that far out: a
      // first day's range without a queue's 3 is no reason to page on a 3.
      const m = this.metrics.indexOf(verdict.breakout);
      const often = m >= 0 && observed.readAsOften ? observed.readAsOften[m]! : 0;
      anomalyScore = verdict.crept === true ? 0 : this.breakoutRefractory.apply(timestampMs, often > 0 ? logLikelihood(1 - often) : BREAKOUT_SCORE, verdict.breakout);
      cause = 'breakout';
      metric = verdict.breakout;
    } else {
      anomalyScore = this.refractory.apply(timestampMs, byLikelihood ? logLikelihood(likelihood) : verdict.score, '');
      if (spike) {
        const s = this.refractory.apply(timestampMs, logLikelihood(1 - spike.p), `${spike.member}:${spike.metric}`);
        if (s > anomalyScore) {
          anomalyScore = s;
          cause = spike.member;
          metric = spike.metric;
        }
      }
    }
    if (anomalyScore >= threshold && this.samePage(metric)) anomalyScore = 0;
    this.pages.next();
    const note = spike && cause === 'seasonal' ? seasonalNote(spike) : spike && cause === 'spike' ? spikeNote(spike) : undefined;
    return { likelihood, anomalyScore, threshold, isAnomaly: anomalyScore >= threshold, cause, ...(metric !== undefined ? { metric } : {}), ...(note ? { note } : {}) };
  }
}

/** "cpu one sample 4.6σ above its usual level (the last 864 samples)": the member's own z, which the forest's 24 h z-scores do not show. */
function spikeNote(spike: Spike): string {
  const size = Math.abs(spike.value) >= Z_LIMIT ? `more than ${Z_LIMIT}` : Math.abs(spike.value).toFixed(1);
  // Judged in logs: the ratio is what the engineer reads on a chart; the σ are of the logs.
  if (spike.ratio !== undefined) return `${spike.metric} one sample ${ratioWords(spike.ratio)} its usual level, ${size}σ ${spike.value >= 0 ? 'above' : 'below'} it on a log scale (the last ${SPIKE_BASELINE_MEMORY} samples)`;
  return `${spike.metric} one sample ${size}σ ${spike.value >= 0 ? 'above' : 'below'} its usual level (the last ${SPIKE_BASELINE_MEMORY} samples)`;
}

/** "value 6.3 times its usual deviation below its usual level for this time of day". */
function seasonalNote(spike: Spike): string {
  const size = Math.abs(spike.value) >= Z_LIMIT ? `more than ${Z_LIMIT}` : Math.abs(spike.value).toFixed(1);
  return `${spike.metric} ${size} times its usual deviation ${spike.value >= 0 ? 'above' : 'below'} its usual level for this time of day`;
}

/** "9.8 times", "12 times", "0.12 times": the ratio as a chart shows it, without exponents. */
function ratioWords(ratio: number): string {
  return `${ratio >= 10 ? Math.round(ratio) : ratio >= 1 ? ratio.toFixed(1) : Number(ratio.toPrecision(2))} times`;
}
