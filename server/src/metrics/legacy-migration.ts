import { CHUNK_SAMPLES, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import type { Db } from '../db/database.ts';
import { HOUR_MS, MINUTE_MS } from './rollups.ts';
import { targetOf } from './target.ts';

const ROLLUP_BUCKETS_PER_CHUNK = 120;

/**
 * Converts a data folder written by the row-per-sample store (`metric_samples` with scores
 * beside the samples, `metric_rollups_1m`/`_1h` as rows) into chunks, in one transaction,
 * then drops the old tables and compacts the file. Nothing is lost: every sample keeps its
 * value and export position (a chunk carries its newest), every score moves to its
 * target's score chunks, every hour bucket and every minute bucket older than the kept raw
 * samples to a rollup chunk (newer minutes are derived from raw), and each series' raw range
 * is queued for a rollup recompute (the old store kept that queue only in memory, so
 * buckets of its last minutes may have been missing). Runs at start-up; a no-op once done.
 */
export function migrateLegacyMetrics(db: Db): boolean {
  const legacy = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'metric_samples'").get();
  if (!legacy) return false;
  const hadRows = db.prepare('SELECT 1 FROM metric_samples LIMIT 1').get() !== undefined;
  db.transaction(() => {
    convertSamples(db);
    convertRollups(db, 'metric_rollups_1m', MINUTE_MS);
    convertRollups(db, 'metric_rollups_1h', HOUR_MS);
    db.exec('DROP TABLE metric_samples; DROP TABLE metric_rollups_1m; DROP TABLE metric_rollups_1h;');
  })();
  // Give the old tables' pages back to the file system (one-off; a fresh database has none).
  if (hadRows) db.exec('VACUUM');
  return true;
}

function convertSamples(db: Db): void {
  const labelsOf = new Map((db.prepare('SELECT id, labels FROM metric_series').raw().all() as [number, string][]).map(([id, labels]) => [id, JSON.parse(labels) as Record<string, string>]));
  const insertChunk = db.prepare('INSERT INTO metric_chunks (series_id, start_ts, end_ts, count, max_seq, data) VALUES (?, ?, ?, ?, ?, ?)');
  const pending = db.prepare('INSERT INTO metric_rollup_pending (series_id, from_ts, to_ts) VALUES (?, ?, ?)');
  const scores = new Map<string, Map<number, number>>();
  let series = -1;
  let ts: number[] = [];
  let values: number[] = [];
  let seqs: number[] = [];
  const flush = () => {
    for (let at = 0; at < ts.length; at += CHUNK_SAMPLES) {
      const to = Math.min(ts.length, at + CHUNK_SAMPLES);
      let maxSeq = 0;
      for (let i = at; i < to; i++) maxSeq = Math.max(maxSeq, seqs[i]!);
      insertChunk.run(series, ts[at], ts[to - 1], to - at, maxSeq, encodeChunk(ts, [values], at, to));
    }
    if (ts.length > 0) pending.run(series, ts[0], ts.at(-1));
    ts = [];
    values = [];
    seqs = [];
  };
  // Series by series (better-sqlite3 cannot write while a read is iterating on the same connection).
  const rows = db.prepare('SELECT ts, value, score, seq FROM metric_samples WHERE series_id = ? ORDER BY ts').raw();
  for (const id of labelsOf.keys()) {
    flush();
    series = id;
    for (const [t, v, score, seq] of rows.all(id) as [number, number, number | null, number][]) {
      ts.push(t);
      values.push(v);
      seqs.push(seq);
      if (score !== null) {
        const target = targetOf(labelsOf.get(id) ?? {});
        let byTs = scores.get(target);
        if (!byTs) scores.set(target, (byTs = new Map()));
        byTs.set(t, score);
      }
    }
  }
  flush();
  const insertTarget = db.prepare('INSERT INTO metric_score_targets (target) VALUES (?)');
  const insertScores = db.prepare('INSERT INTO metric_score_chunks (series_id, start_ts, end_ts, count, max_seq, data) VALUES (?, ?, ?, ?, 0, ?)');
  for (const [target, byTs] of scores) {
    const targetId = Number(insertTarget.run(target).lastInsertRowid);
    const times = [...byTs.keys()].sort((a, b) => a - b);
    const vals = times.map((t) => byTs.get(t)!);
    for (let at = 0; at < times.length; at += CHUNK_SAMPLES) {
      const to = Math.min(times.length, at + CHUNK_SAMPLES);
      insertScores.run(targetId, times[at], times[to - 1], to - at, encodeChunk(times, [vals], at, to));
    }
  }
}

function convertRollups(db: Db, table: string, width: number): void {
  const span = width * ROLLUP_BUCKETS_PER_CHUNK;
  const insert = db.prepare('INSERT INTO metric_rollup_chunks (series_id, width, window_start, data) VALUES (?, ?, ?, ?)');
  let key = '';
  let series = 0;
  let window = 0;
  let cols: number[][] = [[], [], [], [], [], []];
  const flush = () => {
    if (cols[0]!.length > 0) insert.run(series, width, window, encodeChunk(cols[0]!, cols.slice(1)));
    cols = [[], [], [], [], [], []];
  };
  const ids = db.prepare(`SELECT DISTINCT series_id FROM ${table}`).pluck().all() as number[];
  const rows = db.prepare(`SELECT series_id, bucket, min, max, sum, count, last FROM ${table} WHERE series_id = ? AND bucket < ? ORDER BY bucket`).raw();
  // Minutes are derived from raw samples while those are kept (rollups.ts): only the minutes
  // before a series' first kept sample are stored.
  const firstRaw = db.prepare('SELECT min(ts) FROM metric_samples WHERE series_id = ?').pluck();
  for (const id of ids) {
    const first = width === MINUTE_MS ? (firstRaw.get(id) as number | null) : null;
    const before = first === null ? Number.MAX_SAFE_INTEGER : Math.floor(first / MINUTE_MS) * MINUTE_MS;
    for (const row of rows.all(id, before) as [number, number, number, number, number, number, number][]) {
      const start = Math.floor(row[1] / span) * span;
      const next = `${row[0]}:${start}`;
      if (next !== key) {
        flush();
        key = next;
        series = row[0];
        window = start;
      }
      for (let c = 0; c < 6; c++) cols[c]!.push(row[c + 1]!);
    }
  }
  flush();
}
