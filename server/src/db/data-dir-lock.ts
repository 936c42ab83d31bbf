import path from 'node:path';
import Database from 'better-sqlite3';
import { SetupError } from '../setup-error.ts';

/** The lock file in the data folder (a tiny SQLite database: its lock is the point, not its content). */
export const DATA_DIR_LOCK_FILE = 'server.lock';

/** Another server already uses the data folder: starting a second one would corrupt what the first holds in memory. */
export class DataDirLockedError extends SetupError {
  constructor(dir: string) {
    super(
      `Another SmartCloudOps server is already using the data folder ${dir}: stop it first, or give this one its own SMARTCLOUDOPS_DATA_DIR. ` +
        '(Replicas may share a folder only with SMARTCLOUDOPS_DATABASE_URL set.)',
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * Makes this process the one server of a SQLite data folder. Two servers on one
 * `smartcloudops.db` each keep state in memory the other does not see (the stream log's
 * next ids, the metric store's open chunks, the scoring cursors) and overwrite each other.
 * The lock is SQLite's own (an fcntl lock, held by `locking_mode = EXCLUSIVE` for the
 * connection's life): the kernel drops it when the process ends however it ends, SIGKILL
 * included, so no stale lock can outlive a crash. Returns the release.
 */
export function lockDataDir(dir: string): () => void {
  const db = new Database(path.join(dir, DATA_DIR_LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock, which exclusive mode then never gives back.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirLockedError(dir);
    throw error;
  }
  return () => db.close();
}
