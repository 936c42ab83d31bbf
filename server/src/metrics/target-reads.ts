import type { AnomalyRate } from '../../../shared/api/anomaly.ts';
import type { SampleEventData } from '../../../shared/api/stream.ts';
import type { Db } from '../db/database.ts';
import { targetOfSql } from './target.ts';

/** One anomaly score for the samples of one series at one time. */
export interface SampleScore {
  seriesId: number;
  ts: number;
  score: number;
}

/**
 * What the metrics feature lends the anomaly feature: reads of a target's samples, score
 * writes and rates. Only the metrics feature touches its tables (docs/architecture.md).
 */
export class TargetReads {
  readonly #db: Db;
  readonly #seriesOfTarget;
  readonly #latestOfSeries;
  readonly #setScore;
  readonly #rate;

  constructor(db: Db) {
    this.#db = db;
    this.#seriesOfTarget = db.prepare(`SELECT id, name, labels FROM metric_series WHERE ${targetOfSql('labels')} = ?`);
    this.#latestOfSeries = db.prepare('SELECT ts, value FROM metric_samples WHERE series_id = ? AND ts < ? ORDER BY ts DESC LIMIT ?');
    this.#setScore = db.prepare('UPDATE metric_samples SET score = ? WHERE series_id = ? AND ts = ?');
    this.#rate = db.prepare(
      `SELECT COUNT(DISTINCT s.ts) AS samples, COUNT(DISTINCT CASE WHEN s.score >= ? THEN s.ts END) AS anomalous
       FROM metric_samples s JOIN metric_series m ON m.id = s.series_id
       WHERE ${targetOfSql('m.labels')} = ? AND s.ts >= ? AND s.ts <= ? AND s.score IS NOT NULL`,
    );
  }

  /**
   * The most recent stored samples of a target before `beforeTs`, oldest first, at most
   * `rows` distinct times: what a target's state is rebuilt from after a restart.
   *
   * It runs on the event loop when a target is first seen, so it must stay cheap on a large
   * store: the target's series come from the (small) series table, and each series' latest
   * samples from the clustered (series_id, ts) key. A time among the target's `rows` latest
   * distinct times is always among each series' `rows` latest samples, so the union below
   * holds every sample the cut-off keeps.
   */
  recentSamplesOfTarget(target: string, beforeTs: number, rows: number): SampleEventData[] {
    const series = this.#seriesOfTarget.all(target) as { id: number; name: string; labels: string }[];
    const found: SampleEventData[] = [];
    for (const { id, name, labels } of series) {
      const parsed = JSON.parse(labels) as Record<string, string>;
      for (const { ts, value } of this.#latestOfSeries.all(id, beforeTs, rows) as { ts: number; value: number }[]) found.push({ seriesId: id, name, labels: parsed, ts, value });
    }
    const times = [...new Set(found.map((sample) => sample.ts))].sort((a, b) => b - a);
    const cutoff = times[Math.min(rows, times.length) - 1];
    if (cutoff === undefined) return [];
    return found.filter((sample) => sample.ts >= cutoff).sort((a, b) => a.ts - b.ts || a.seriesId - b.seriesId);
  }

  /** Stores scores beside their samples, in one transaction. */
  setScores(scores: readonly SampleScore[]): void {
    if (scores.length === 0) return;
    this.#db.transaction(() => {
      for (const { seriesId, ts, score } of scores) this.#setScore.run(score, seriesId, ts);
    })();
  }

  /** Anomaly rate of a target over a time range (all of a target's series at one time carry the same score). */
  anomalyRate(target: string, from: number, to: number, threshold: number): AnomalyRate {
    const row = this.#rate.get(threshold, target, from, to) as { samples: number; anomalous: number };
    return { target, from, to, ...row, rate: row.samples > 0 ? row.anomalous / row.samples : null, threshold };
  }
}
