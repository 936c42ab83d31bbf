import crypto from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { decodeChunk, encodeChunk } from '../../../shared/metrics/chunk-codec.ts';
import { PgChunkRows } from '../metrics/postgres/chunk-rows.ts';
import type { Query } from '../metrics/postgres/client.ts';
import { HOUR_MS, MINUTE_MS, floorTo } from '../metrics/rollups.ts';

interface DerivedReport {
  table: string;
  rows: number;
  checksum: string;
}

const hashOf = (lines: string[]) => crypto.createHash('sha256').update(lines.join('\n')).digest('hex');

/**
 * The parts of the metrics store `smartcloudops migrate` cannot copy row for row, inside
 * the copy's transaction:
 *  - hour rollups. SQLite stores every hour as samples arrive; PostgreSQL stores an hour
 *    only once its minutes are gone and derives the rest (metrics/postgres/rollup-windows.ts).
 *    So the hours copied are those older than anything finer the series still has; the one
 *    hour straddling that edge (if any) keeps only its remaining minutes.
 *  - each series' newest sample (`metric_latest`), read from the copied chunks and head.
 * Each is verified by reading it back from PostgreSQL.
 */
export async function copyMetricDerived(source: Database.Database, client: pg.PoolClient): Promise<DerivedReport[]> {
  const query = (async (text: string, values: readonly unknown[] = []) => (await client.query({ text, values: values as unknown[], rowMode: 'array' })).rows) as Query;
  const seriesIds = (source.prepare('SELECT id FROM metric_series ORDER BY id').pluck().all() as number[]).map(Number);
  const firstMinute = source.prepare('SELECT data FROM metric_rollup_chunks WHERE series_id = ? AND width = ? ORDER BY window_start LIMIT 1').pluck();
  const firstRaw = source.prepare('SELECT min(t) FROM (SELECT min(start_ts) AS t FROM metric_chunks WHERE series_id = ? UNION ALL SELECT min(ts) FROM metric_head WHERE series_id = ?)').pluck();
  const hourWindows = source.prepare('SELECT window_start, data FROM metric_rollup_chunks WHERE series_id = ? AND width = ? ORDER BY window_start').raw();

  const hourLines: string[] = [];
  for (const id of seriesIds) {
    const minute = firstMinute.get(id, MINUTE_MS) as Uint8Array | undefined;
    const raw = firstRaw.get(id, id) as number | null;
    const finest = Math.min(minute ? decodeChunk(minute).timestamps[0]! : Infinity, raw ?? Infinity);
    const edge = Number.isFinite(finest) ? floorTo(finest, HOUR_MS) : Infinity;
    for (const [start, data] of hourWindows.all(id, HOUR_MS) as [number, Uint8Array][]) {
      const { timestamps, columns } = decodeChunk(data);
      let keep = 0;
      while (keep < timestamps.length && timestamps[keep]! < edge) keep++;
      if (keep === 0) continue;
      await query('INSERT INTO metric_rollup_chunks (series_id, width, window_start, data) VALUES ($1, $2, $3, $4)', [id, HOUR_MS, start, Buffer.from(encodeChunk(timestamps, columns, 0, keep))]);
      for (let i = 0; i < keep; i++) hourLines.push(`${id} ${timestamps[i]} ${columns.map((c) => c[i]).join(' ')}`);
    }
  }
  const copiedHours: string[] = [];
  for (const [id, data] of await query<[number, Buffer]>('SELECT series_id, data FROM metric_rollup_chunks WHERE width = $1 ORDER BY series_id, window_start', [HOUR_MS])) {
    const { timestamps, columns } = decodeChunk(data);
    for (let i = 0; i < timestamps.length; i++) copiedHours.push(`${Number(id)} ${timestamps[i]} ${columns.map((c) => c[i]).join(' ')}`);
  }
  const hours = { table: 'metric_rollup_chunks:hours', rows: hourLines.length, checksum: hashOf(hourLines) };
  if (copiedHours.length !== hourLines.length || hashOf(copiedHours) !== hours.checksum) throw new Error('Verification failed for the hour rollups; nothing was committed.');

  const raw = new PgChunkRows('metric_chunks', 'metric_head');
  const latest: Array<[number, number, number]> = [];
  for (const id of seriesIds) {
    const last = await raw.readLast(query, id, Infinity, 1);
    if (last.length > 0) latest.push([id, last.ts[0]!, last.values[0]!]);
  }
  if (latest.length > 0) {
    await query('INSERT INTO metric_latest (series_id, ts, value) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[])', [latest.map((l) => l[0]), latest.map((l) => l[1]), latest.map((l) => l[2])]);
  }
  return [hours, { table: 'metric_latest', rows: latest.length, checksum: hashOf(latest.map((l) => l.join(' '))) }];
}
