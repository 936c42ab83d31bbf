import type Database from 'better-sqlite3';

/**
 * Stamped in every cache file's header (`PRAGMA application_id`, SQLite's place for saying
 * which program a database belongs to): "SCOC" in ASCII.
 */
export const CACHE_APPLICATION_ID = 0x5343_4f43;

/** A valid SQLite file in a cache's place that is not a cache (another program's database, a file copied over it). */
export class ForeignCacheFileError extends Error {
  readonly code = 'E_FOREIGN_CACHE_FILE';
  constructor(why: string) {
    super(`The file in the local cache's place is not a SmartCloudOps cache (${why}).`);
    this.name = 'ForeignCacheFileError';
  }
}

/**
 * Throws `ForeignCacheFileError` unless the file is a cache, a new empty file that becomes
 * one, or a cache written before the stamp (schema 1 to `latest` with the `series` and
 * `sync_cursors` tables migration 1 created; a newer app stamps its files). Reads only:
 * it runs before anything (WAL, auto-vacuum) changes the file, so a foreign file set aside
 * keeps every byte.
 */
export function assertCacheFile(db: Database.Database, latest: number): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === CACHE_APPLICATION_ID) return;
  if (applicationId !== 0) throw new ForeignCacheFileError(`application id ${applicationId}`);
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
  if (version === 0 && tables.size === 0) return;
  const unstampedCache = version >= 1 && version <= latest && tables.has('series') && tables.has('sync_cursors');
  if (!unstampedCache) throw new ForeignCacheFileError(`schema ${version} with tables ${[...tables].sort().join(', ') || 'none'}`);
}

/** Claims a file opened as a cache (new or written before the stamp) as this app's. */
export function stampCacheFile(db: Database.Database): void {
  if ((db.pragma('application_id', { simple: true }) as number) !== CACHE_APPLICATION_ID) db.pragma(`application_id = ${CACHE_APPLICATION_ID}`);
}
