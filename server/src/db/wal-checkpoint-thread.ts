// The WAL checkpointer's thread (see startWalCheckpointer in wal-checkpoint.ts): on its own
// connection to the server's database, it folds the write-ahead log back into the database
// file whenever the log has grown by `pages` frames since the last checkpoint, as SQLite's
// auto-checkpoint would inside the commit that crossed the mark, fsyncs included, but on
// this thread, while the request thread goes on writing.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { pendingWalFrames } from './wal-index.ts';

export interface CheckpointThreadData {
  file: string;
  /** Frames in the log not yet copied back that start a checkpoint (SQLite's auto-checkpoint: 1,000). */
  pages: number;
  /** How often the log's size is looked at, ms. */
  pollMs: number;
  /**
   * A window, ms: when fewer than `pages` frames were committed over one, the thread hands back
   * to the connection and ends (its memory goes with it). Not "no commit at all": an idle
   * server still commits a few frames now and then (its periodic checkpoint's free-page
   * release, upkeep passes), and those kept the thread, ~16 MiB, for as long as it ran.
   */
  idleMs: number;
}

/** Sent to the parent: `ready` once the connection is open, `idle` before it ends for want of writes, `checkpoint` after each one (tests, diagnostics). */
export type CheckpointThreadMessage = { type: 'ready' } | { type: 'idle' } | { type: 'checkpoint'; log: number; checkpointed: number; busy: boolean };

const { file, pages, pollMs, idleMs } = workerData as CheckpointThreadData;
const port = parentPort!;
const db = new Database(file, { fileMustExist: true });
// The server's connection already made the file WAL; this one only checkpoints (PASSIVE: it
// neither waits for nor blocks the writer, so no busy handler is ever called).
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const shm = fs.openSync(`${file}-shm`, 'r');
const header = new Uint32Array(34);
const pendingFrames = () => pendingWalFrames(shm, header);

/** Passes of one turn at most: each copies what the writer committed during the one before. */
const MAX_PASSES = 8;

let last = pendingFrames();
const startedAt = Date.now();
/** Frames committed since the thread started (the log's growth between looks; a checkpoint only shrinks it). */
let committed = 0;
/** Looks of the last `idleMs`: when, and `committed` then; the oldest gives the window's growth. */
const looks: { at: number; committed: number }[] = [];

const timer = setInterval(() => {
  const pending = pendingFrames();
  const now = Date.now();
  if (pending > last) committed += pending - last;
  last = pending;
  looks.push({ at: now, committed });
  while (looks.length > 1 && looks[0]!.at < now - idleMs) looks.shift();
  // Less than one mark's worth over the last window (a sliding one: a burst's end is seen
  // `idleMs` after it, not up to twice that): the connection's own auto-checkpoint would run
  // at most once in it, so the thread is not worth its memory. What the burst left in the
  // log is copied back first: the watch then finds it empty and does not start a thread
  // again until the next burst.
  if (now - startedAt >= idleMs && committed - looks[0]!.committed < pages) {
    if (pending > 0) tryCheckpoint();
    port.postMessage({ type: 'idle' } satisfies CheckpointThreadMessage);
    end();
    return;
  }
  if (pending < pages) return;
  // Until the log is all copied back: the writer starts the log over from its beginning only
  // when it finds it so (else the file would grow for as long as writes keep coming, the
  // checkpoint always a few commits behind), and a pass over a few new frames is short.
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const row = tryCheckpoint();
    if (!row) break;
    port.postMessage({ type: 'checkpoint', log: row.log, checkpointed: row.checkpointed, busy: row.busy !== 0 } satisfies CheckpointThreadMessage);
    if (row.busy !== 0 || pendingFrames() === 0) break;
  }
  // Growth is counted from what the checkpoints left, not from before them.
  last = pendingFrames();
}, pollMs);

/**
 * One PASSIVE checkpoint, or undefined when it failed (a full disk refuses the copy into the
 * database file): the log keeps the pages, the next turn tries again, as SQLite's own
 * auto-checkpoint would at the next commit.
 */
function tryCheckpoint(): { busy: number; log: number; checkpointed: number } | undefined {
  try {
    return checkpoint.get() as { busy: number; log: number; checkpointed: number };
  } catch {
    return undefined;
  }
}

function end(): void {
  clearInterval(timer);
  fs.closeSync(shm);
  db.close();
  port.close();
}

port.on('message', (message: unknown) => {
  if (message === 'stop') end();
});
port.postMessage({ type: 'ready' } satisfies CheckpointThreadMessage);
