import { AppError } from '../../../shared/errors.ts';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CACHE_MIGRATIONS, type CacheMigration } from './migrations.ts';
import { assertCacheFile, ForeignCacheFileError, stampCacheFile } from './cache-identity.ts';
import { DamagedCacheError } from './damage-watch.ts';

export type CacheDb = Database.Database;

export class CacheSchemaError extends Error {
  constructor(found: number, known: number) {
    super(`The local cache was written by a newer version of the app (schema ${found}, this version knows ${known}).`);
    this.name = 'CacheSchemaError';
  }
}

/**
 * Opens (creating if needed) one profile's cache file. WAL lets the renderer's reads run
 * beside the sync engine's writes; incremental auto-vacuum lets the size budget give
 * evicted pages back to the file system without a full VACUUM.
 */
export function openCacheDatabase(file: string, migrations: readonly CacheMigration[] = CACHE_MIGRATIONS): CacheDb {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return openOnce(file, migrations);
}

function openOnce(file: string, migrations: readonly CacheMigration[]): CacheDb {
  const db = new Database(file);
  try {
    // First: another process opening the same file (a second app instance) is waited for, not failed.
    db.pragma('busy_timeout = 5000');
    // Before anything writes to it: another program's database is set aside untouched.
    assertCacheFile(db, latestVersion(migrations));
    // Only takes effect on a new, empty file; it must precede the first table.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Sync pages insert across every series at once; 32 MiB keeps their hot pages in memory.
    db.pragma('cache_size = -32768');
    migrateCache(db, migrations);
    // A cache written before the stamp on a disk that cannot be written now is still read;
    // it is stamped at a later open.
    try {
      stampCacheFile(db);
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * SQLite could not read the file as a database (damaged, truncated or overwritten), or it
 * is a database but not a cache (`ForeignCacheFileError`): either way the file cannot be
 * the cache, which is a copy of the server's data and fills again.
 */
export function isDamagedFile(error: unknown): boolean {
  if (error instanceof ForeignCacheFileError || error instanceof DamagedCacheError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/**
 * SQLite could not write the file for now: the disk is full, another process holds the
 * lock past the busy timeout, the file went read-only or the device failed. The write is
 * worth trying again later; the data it carried must not be given up.
 */
export function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return ['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL'].some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

/**
 * What the console says of a storage failure of the cache (`isStorageFailure`); `then`
 * says what happens next (the sync engine's default: it goes on by itself).
 */
export function cacheStorageError(error: unknown, then = 'sync goes on once it can be, from where it stopped'): AppError {
  const code = String((error as { code?: unknown }).code);
  const why = code.startsWith('SQLITE_FULL') ? 'the disk is full' : code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') ? 'another process holds it' : `SQLite says ${code}`;
  return new AppError('E_STORAGE_FULL', `The local cache could not be written (${why}); ${then}.`, { code });
}

/**
 * Moves a damaged cache file out of the way as `<file>.damaged-<ms>`, with its `-wal` and
 * `-shm` (a stale log must never be replayed into the file that takes its place).
 */
export function setAsideDamagedFile(file: string, at: number): void {
  const aside = `${file}.damaged-${at}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, aside + suffix);
  }
}

/**
 * Applies the migrations the file lacks, each in its own IMMEDIATE transaction that reads
 * the version again under the write lock: another process (a second app instance on the
 * same file) may have migrated it between our first look and our turn.
 */
export function migrateCache(db: CacheDb, migrations: readonly CacheMigration[]): void {
  const latest = latestVersion(migrations);
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > latest) throw new CacheSchemaError(found, latest);
  if (found === latest) return;
  let migrated = false;
  for (const migration of migrations) {
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current > latest) throw new CacheSchemaError(current, latest);
      if (migration.version <= current) return;
      db.exec(migration.sql);
      migration.run?.(db);
      db.pragma(`user_version = ${migration.version}`);
      migrated = true;
    }).immediate();
  }
  // A migrated file gives the pages its old tables held back to the file system.
  if (migrated && found > 0) db.pragma('incremental_vacuum');
}

function latestVersion(migrations: readonly CacheMigration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/** Bytes the cache's live pages take (the file minus pages free for reuse). */
export function usedBytes(db: CacheDb): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  return (pages - free) * pageSize;
}
