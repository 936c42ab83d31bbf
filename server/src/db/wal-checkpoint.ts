import { Worker } from 'node:worker_threads';
import type { Db } from './database.ts';
import { serverFile } from '../server-files.ts';
import type { CheckpointThreadData, CheckpointThreadMessage } from './wal-checkpoint-thread.ts';
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

/** SQLite's own auto-checkpoint mark, frames: what the server's connection goes back to without the thread. */
const AUTO_CHECKPOINT_PAGES = 1_000;

export interface WalCheckpointer {
  /** Stops the thread and closes its connection (before the server's connection closes). */
  stop(): Promise<void>;
  /** Settles once the thread checkpoints in the connection's place (false: it never will, the connection does). */
  ready: Promise<boolean>;
  /** Each checkpoint the thread ran (tests, diagnostics). */
  onCheckpoint?: (result: { log: number; checkpointed: number; busy: boolean }) => void;
}

/**
 * Takes SQLite's auto-checkpoint off the request thread. Left to itself, SQLite copies the
 * write-ahead log back into the database inside the commit that grows the log past 1,000
 * pages, with two fsyncs: every ~8th batch of 100 alerts paid for it while the next requests
 * waited (docs/benchmarks.md, "Alert ingest: the checkpoint off the request thread"). Here the
 * server's connection stops checkpointing by itself (`wal_autocheckpoint = 0`) and a thread
 * with its own connection runs the same PASSIVE checkpoint when the log passes the same
 * mark; the writer goes on meanwhile (WAL lets one checkpoint run beside one writer).
 * What is durable when is unchanged: a commit is in the log when the request is answered
 * (synchronous = NORMAL), and a checkpoint syncs the log before copying it, as before.
 * If the thread cannot start or dies, the connection checkpoints by itself again.
 * An in-memory database has no log to checkpoint: nothing is started.
 */
export function startWalCheckpointer(db: Db, options: { pages?: number; pollMs?: number } = {}): WalCheckpointer {
  const checkpointer: WalCheckpointer = { stop: async () => undefined, ready: Promise.resolve(false) };
  if (db.memory) return checkpointer;
  let started!: (taken: boolean) => void;
  checkpointer.ready = new Promise<boolean>((resolve) => (started = resolve));
  const worker = new Worker(serverFile(import.meta.url, './wal-checkpoint-thread.ts', 'wal-checkpoint-thread.js'), {
    workerData: { file: db.name, pages: options.pages ?? AUTO_CHECKPOINT_PAGES, pollMs: options.pollMs ?? 20 } satisfies CheckpointThreadData,
    // It holds one connection and a timer: a small heap is plenty (resident memory counts, issue 14).
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    started(false);
  };
  worker.on('message', (message: CheckpointThreadMessage) => {
    if (message.type === 'ready') {
      if (!stopping && db.open) {
        db.pragma('wal_autocheckpoint = 0');
        started(true);
      }
    } else checkpointer.onCheckpoint?.(message);
  });
  worker.on('error', fallBack);
  worker.on('exit', () => {
    if (!stopping) fallBack();
  });
  checkpointer.stop = async () => {
    if (stopping) return;
    stopping = true;
    fallBack();
    worker.postMessage('stop');
    await exited;
  };
  return checkpointer;
}
