import type { Db } from './database.ts';
import { releaseFreePages } from './free-pages.ts';

/** How often the write-ahead log is folded into the database file and cut back to nothing. */
const CHECKPOINT_INTERVAL_MS = 10_000;

/**
 * Folds the write-ahead log into the database and truncates it: SQLite's own checkpoints
 * copy the log back but leave the file at its largest size (4 MiB and more after a burst
 * of ingest, 2.4 bytes per sample in `bench:peer`), so an idle server would keep that on
 * disk for good. A checkpoint that readers hold up simply waits for the next turn.
 */
export function checkpointWal(db: Db): { busy: boolean; logPages: number } {
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
  return { busy: row ? row.busy !== 0 : false, logPages: row?.log ?? 0 };
}

/**
 * Runs `checkpointWal` on an interval for the life of the server, each time after giving
 * enough free pages back (`releaseFreePages`: pruned model versions, pruned events), so that
 * the checkpoint also cuts the database file down; returns the stop function.
 */
export function startWalCheckpoints(db: Db, intervalMs = CHECKPOINT_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    if (!db.open) return;
    releaseFreePages(db);
    checkpointWal(db);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
