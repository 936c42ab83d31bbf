import type { CacheDb } from './cache-database.ts';
import { SampleChunks, sampleColumns } from './sample-chunks.ts';

/**
 * Migration 4's data step: the row-per-sample `samples` table of schema 1–3 becomes
 * `sample_chunks`, series by series, every value and score carried over bit for bit (an
 * unscored sample stays unscored). Runs inside the migration's transaction, so a crash
 * leaves the old table as it was and the next open migrates again.
 */
export function moveSamplesToChunks(db: CacheDb): void {
  const chunks = new SampleChunks(db);
  const seriesIds = db.prepare('SELECT DISTINCT series_id FROM samples ORDER BY series_id').pluck().all() as number[];
  const countOf = db.prepare('SELECT count(*) FROM samples WHERE series_id = ?').pluck();
  const rowsOf = db.prepare('SELECT ts, value, score FROM samples WHERE series_id = ? ORDER BY ts').raw();
  for (const seriesId of seriesIds) {
    const c = sampleColumns(countOf.get(seriesId) as number);
    for (const [ts, value, score] of rowsOf.iterate(seriesId) as IterableIterator<[number, number, number | null]>) {
      c.ts[c.length] = ts;
      c.values[c.length] = value;
      c.scores[c.length++] = score ?? NaN;
    }
    chunks.write(seriesId, c, 'overwrite');
  }
  db.exec('DROP TABLE samples');
}
