import fs from 'node:fs';
import type { Db } from './database.ts';

/** SQLite's `auto_vacuum` values. */
const AUTO_VACUUM_NONE = 0;
const AUTO_VACUUM_INCREMENTAL = 2;

/** A database file larger than this is not rewritten at start-up to turn incremental vacuum on. */
const CONVERT_CEILING_BYTES = 1024 * 1_048_576;

/**
 * Makes the database able to give freed pages back to the file system. SQLite keeps the
 * pages of deleted rows (pruned model versions, pruned stream events) in the file for reuse,
 * so without this the file never shrinks. A new database gets `auto_vacuum = INCREMENTAL`
 * before its first table; an existing one without it is rewritten once (`VACUUM`), unless
 * it is larger than 1 GiB (that rewrite would stall the start-up and needs the space twice:
 * such a file keeps reusing its free pages, as before). Run before the migrations.
 */
export function enableIncrementalVacuum(db: Db, file: string): 'new' | 'converted' | 'already' | 'too-large' {
  const mode = db.pragma('auto_vacuum', { simple: true }) as number;
  if (mode === AUTO_VACUUM_INCREMENTAL) return 'already';
  const fresh = (db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number) === 0;
  if (fresh) {
    db.pragma('auto_vacuum = INCREMENTAL');
    return 'new';
  }
  if (mode !== AUTO_VACUUM_NONE) return 'already';
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  if (size > CONVERT_CEILING_BYTES) return 'too-large';
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
  return 'converted';
}

/**
 * Gives the database's free pages back to the file system (`incremental_vacuum`) once there
 * are enough of them to matter: at least 64 pages and 2 % of the file. Fewer are left for
 * SQLite to reuse on the next writes (the metric store frees and reuses pages all the time;
 * returning each one would only move pages back and forth). Returns the pages released.
 */
export function releaseFreePages(db: Db, minPages = 64, minShare = 0.02): number {
  if ((db.pragma('auto_vacuum', { simple: true }) as number) !== AUTO_VACUUM_INCREMENTAL) return 0;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  if (free < minPages || free < pages * minShare) return 0;
  db.pragma('incremental_vacuum');
  return free - (db.pragma('freelist_count', { simple: true }) as number);
}
