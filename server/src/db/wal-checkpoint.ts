import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.ts';
import { serverFile } from '../server-files.ts';
import type { CheckpointThreadData, CheckpointThreadMessage } from './wal-checkpoint-thread.ts';
import { releaseFreePages } from './free-pages.ts';
import { pendingWalFrames } from './wal-index.ts';

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
 * the checkpoint also cuts the database file down; returns the stop function. A turn that
 * fails (SQLITE_FULL on a full disk, SQLITE_BUSY) is reported to `onError` and tried again on
 * the next: thrown from a timer it would end the process, and a full disk is exactly when the
 * server must stay up to say so (`/ready`, 507 to writes).
 */
export function startWalCheckpoints(db: Db, intervalMs = CHECKPOINT_INTERVAL_MS, onError: (error: unknown) => void = () => {}): () => void {
  const timer = setInterval(() => {
    if (!db.open) return;
    try {
      releaseFreePages(db);
      checkpointWal(db);
    } catch (error) {
      onError(error);
    }
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
  /** Each look at the log before the thread starts, with the frames found past the last checkpoint (tests). */
  onLook?: (pendingFrames: number) => void;
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
 *
 * The thread costs ~100 ms of CPU to start and ~16 MiB resident, so it runs only while the
 * server writes a lot: it starts once the log is found `startFrames` past the last
 * checkpoint (half the mark; looked at every `watchMs`, one read of the `-shm` header), and
 * ends once fewer frames than the mark were committed over `idleMs` (10 s; an idle server's
 * few small commits a minute do not keep it, as "no commit at all" did). A server that writes little, and the many
 * short-lived servers of the tests, never start it (a fresh database's migrations leave ~250
 * frames); an idle server does not keep it. Whenever it is not running (and if it cannot
 * start or dies) the connection checkpoints by itself as before. An in-memory database has
 * no log: nothing is watched.
 */
export function startWalCheckpointer(db: Db, options: { pages?: number; pollMs?: number; startFrames?: number; watchMs?: number; idleMs?: number } = {}): WalCheckpointer {
  if (db.memory) return { ready: Promise.resolve(false), stop: () => Promise.resolve() };
  const pages = options.pages ?? AUTO_CHECKPOINT_PAGES;
  const startFrames = options.startFrames ?? pages / 2;
  let worker: Worker | undefined;
  let watch: NodeJS.Timeout | undefined;
  let stopping = false;
  let started!: (taken: boolean) => void;
  // The `-shm` file, open while the log is watched (the thread has its own).
  const header = new Uint32Array(34);
  let shm: number | undefined;
  const stopWatching = () => {
    clearInterval(watch);
    if (shm !== undefined) fs.closeSync(shm);
    shm = undefined;
  };
  const selfCheckpointing = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  const checkpointer: WalCheckpointer = {
    ready: new Promise<boolean>((resolve) => (started = resolve)),
    stop: async () => {
      if (stopping) return;
      stopping = true;
      stopWatching();
      started(false);
      const thread = worker;
      if (!thread) return;
      selfCheckpointing();
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      // Held alive until it has closed its connection (it is unreferenced while it runs).
      thread.ref();
      thread.postMessage('stop');
      await exited;
    },
  };
  /** The thread is gone or going (idle, failed): the connection checkpoints by itself, and the log is watched again. */
  const handBack = (thread: Worker, watchAgain: boolean) => {
    if (worker !== thread) return;
    worker = undefined;
    selfCheckpointing();
    if (watchAgain && !stopping) watchLog();
    else started(false);
  };
  const start = () => {
    const thread = new Worker(serverFile(import.meta.url, './wal-checkpoint-thread.ts', 'wal-checkpoint-thread.js'), {
      workerData: { file: db.name, pages, pollMs: options.pollMs ?? 20, idleMs: options.idleMs ?? 10_000 } satisfies CheckpointThreadData,
      // It holds one connection and a timer: a small heap is plenty (resident memory counts, issue 14).
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    thread.unref();
    thread.on('message', (message: CheckpointThreadMessage) => {
      if (message.type === 'ready') {
        if (!stopping && db.open && worker === thread) {
          db.pragma('wal_autocheckpoint = 0');
          started(true);
        }
      } else if (message.type === 'idle') handBack(thread, true);
      else checkpointer.onCheckpoint?.(message);
    });
    thread.on('error', () => handBack(thread, false));
    thread.on('exit', () => handBack(thread, false));
    return thread;
  };
  const watchLog = () => {
    watch = setInterval(() => {
      if (!db.open || stopping) return stopWatching();
      try {
        shm ??= fs.openSync(`${db.name}-shm`, 'r');
        const pending = pendingWalFrames(shm, header);
        checkpointer.onLook?.(pending);
        if (pending < startFrames) return;
        stopWatching();
        worker = start();
      } catch {
        // No -shm file to read (not WAL after all): the connection keeps checkpointing itself.
        stopWatching();
        started(false);
      }
    }, options.watchMs ?? 250);
    watch.unref();
  };
  watchLog();
  return checkpointer;
}
