import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import type { Columns } from './chunk-table.ts';
import type { MetricsStorage } from './storage.ts';
import type { SeriesRef } from './store.ts';
import { groupByTarget } from './target.ts';

/** One page of a target's samples after a cursor: each series' samples at the page's times. */
export interface TargetPage {
  series: Array<{ ref: SeriesRef; samples: Columns }>;
  /** The page's distinct sample times, ascending (at most the rows asked for). */
  times: Float64Array;
  /** Nothing was stored after the page's last time when it was read: the cursor has caught up. */
  complete: boolean;
}

/**
 * What the metrics feature lends the anomaly feature: reads of a target's samples, score
 * writes and rates, all on the chunk store. Only the metrics feature touches its tables
 * (docs/architecture.md). Scores are kept per target and time: every series of a target
 * at one time shares its model's score.
 */
export class TargetReads {
  readonly #store: MetricsStorage;

  constructor(store: MetricsStorage) {
    this.#store = store;
  }

  /**
   * The most recent stored samples of a target before `beforeTs`, oldest first, at most
   * `rows` distinct times: what a target's state is rebuilt from after a restart.
   *
   * It runs on the event loop when a target is first seen, so it must stay cheap on a large
   * store: the target's series come from the in-memory catalogue, and each series' newest
   * samples from the end of its chunks. A time among the target's `rows` latest distinct
   * times is always among each series' `rows` latest samples, so the union below holds
   * every sample the cut-off keeps.
   */
  async recentSamplesOfTarget(target: string, beforeTs: number, rows: number, refs?: readonly SeriesRef[]): Promise<SampleEventData[]> {
    const found: SampleEventData[] = [];
    for (const { id, name, labels } of refs ?? (await this.#store.seriesOfTarget(target))) {
      const last = await this.#store.readLast(id, beforeTs, rows);
      for (let i = 0; i < last.length; i++) found.push({ seriesId: id, name, labels, ts: last.ts[i]!, value: last.values[i]! });
    }
    const times = [...new Set(found.map((sample) => sample.ts))].sort((a, b) => b - a);
    const cutoff = times[Math.min(rows, times.length) - 1];
    if (cutoff === undefined) return [];
    return found.filter((sample) => sample.ts >= cutoff).sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
  }

  /**
   * The target's samples at its `rows` oldest distinct times after `afterTs`: the page a
   * scoring cursor reads next. Each series contributes its `rows` oldest samples after the
   * cursor, which hold every time of the page (the same argument as above, forwards).
   * Samples after `upToTs` are left out as if they were not stored yet (the scoring cursor
   * does not pass the present: a sample stamped in the far future must not carry it there),
   * and `complete` then means nothing is stored up to `upToTs` after the page.
   * `only`: the series to read, when not all of the target's (a very wide target is scored
   * on some of its series, `anomaly/wide-target.ts`); the page's rows are theirs.
   */
  async samplesAfter(target: string, afterTs: number, rows: number, upToTs = Infinity, only?: readonly SeriesRef[]): Promise<TargetPage> {
    const refs = only ?? (await this.#store.seriesOfTarget(target));
    const firsts = await this.#store.readFirst(refs.map((ref) => ref.id), afterTs, rows);
    const read = refs.map((ref, i) => ({ ref, samples: firsts[i]! }));
    let limited = false;
    for (const { samples } of read) {
      let n = samples.length;
      // A series that reached past upToTs has given everything it holds up to it.
      while (n > 0 && samples.ts[n - 1]! > upToTs) n--;
      if (n < samples.length) samples.length = n;
      else if (samples.length === rows) limited = true;
    }
    const times = pageTimes(read.map(({ samples }) => samples), rows);
    const cutoff = times.length > 0 ? times[times.length - 1]! : afterTs;
    let beyond = false;
    for (const { samples } of read) {
      let n = samples.length;
      while (n > 0 && samples.ts[n - 1]! > cutoff) n--;
      if (n < samples.length) beyond = true;
      samples.length = n;
    }
    return { series: read.filter(({ samples }) => samples.length > 0), times, complete: !limited && !beyond };
  }

  /** The target's oldest stored sample time, if it has any: where a cursor starts for a target never scored. */
  async firstSampleTs(target: string, only?: readonly SeriesRef[]): Promise<number | undefined> {
    let first: number | undefined;
    const refs = only ?? (await this.#store.seriesOfTarget(target));
    for (const head of await this.#store.readFirst(refs.map((ref) => ref.id), -Infinity, 1)) {
      if (head.length > 0 && (first === undefined || head.ts[0]! < first)) first = head.ts[0]!;
    }
    return first;
  }

  /**
   * Targets with samples stored after their last score (or never scored): what a server
   * that was stopped in the middle of a back-fill, or that stored samples while scoring could
   * not keep up, still has to score. From the latest-value index, one read per target.
   */
  async targetsBehind(): Promise<string[]> {
    const behind: string[] = [];
    for (const [target, refs] of groupByTarget(await this.#store.series())) {
      let newest = -Infinity;
      for (const latest of await this.#store.latest(refs.map((ref) => ref.id))) if (latest && latest.ts > newest) newest = latest.ts;
      if (newest === -Infinity) continue;
      const scored = await this.#store.lastScoreTs(target);
      if (scored === undefined || scored < newest) behind.push(target);
    }
    return behind;
  }

  /** The target's series, from the catalogue. */
  seriesOfTarget(target: string): Promise<SeriesRef[]> {
    return this.#store.seriesOfTarget(target);
  }

  /** Each series' newest sample time (undefined: none), from the latest-value index, in the order asked. */
  async latestTimes(refs: readonly SeriesRef[]): Promise<Array<number | undefined>> {
    return (await this.#store.latest(refs.map((ref) => ref.id))).map((latest) => latest?.ts);
  }

  /** The newest time the target has a score for: where its scoring cursor resumes after a restart. */
  lastScoreTs(target: string): Promise<number | undefined> {
    return this.#store.lastScoreTs(target);
  }

  /** Stores a target's scores, one per sample time (a later score for a time replaces it), in one transaction. */
  setScores(target: string, ts: ArrayLike<number>, scores: ArrayLike<number>): Promise<void> {
    return this.#store.setScores(target, ts, scores);
  }

  /** Anomaly rate of a target over [from, to] from its stored scores (one per sample time). */
  async anomalyRate(target: string, from: number, to: number, threshold: number): Promise<AnomalyRate> {
    const scores = await this.#store.readScores(target, from, to + 1);
    let anomalous = 0;
    for (let i = 0; i < scores.length; i++) if (scores.values[i]! >= threshold) anomalous++;
    const samples = scores.length;
    return { target, from, to, samples, anomalous, rate: samples > 0 ? anomalous / samples : null, threshold };
  }
}

/**
 * The distinct times of the series' samples (each ascending), ascending, at most `rows`.
 * A target's series are usually sampled together (one scrape or collector run): when every
 * series has the same times as the longest, those are the answer without a merge.
 */
function pageTimes(series: readonly Columns[], rows: number): Float64Array {
  let longest: Columns | undefined;
  for (const samples of series) if (!longest || samples.length > longest.length) longest = samples;
  if (!longest) return new Float64Array(0);
  const same = series.every((samples) => {
    if (samples.length !== longest.length) return false;
    for (let i = 0; i < samples.length; i++) if (samples.ts[i] !== longest.ts[i]) return false;
    return true;
  });
  if (same) return Float64Array.from(longest.ts.subarray(0, Math.min(rows, longest.length)));
  let total = 0;
  for (const samples of series) total += samples.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const samples of series) {
    all.set(samples.ts.subarray(0, samples.length), at);
    at += samples.length;
  }
  all.sort();
  const times: number[] = [];
  for (let i = 0; i < all.length && times.length < rows; i++) if (i === 0 || all[i] !== all[i - 1]) times.push(all[i]!);
  return Float64Array.from(times);
}
