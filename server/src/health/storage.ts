import fs from 'node:fs';
import type { Logger } from 'pino';
import { withinWindow } from '../../../shared/within-window.ts';

/** SQLite's "database or disk is full", or the file system's "no space left on device". */
export function isStorageFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export interface StorageHealthOptions {
  dataDir: string;
  log: Logger;
  now?: () => number;
  /** At most one log line about a full disk per this many ms. */
  logIntervalMs?: number;
  /** A write refused for lack of space keeps the server not-ready for this long. */
  holdMs?: number;
  /** Less free space than this in the data folder counts as full. */
  minFreeBytes?: number;
}

export interface StorageStatus {
  ok: boolean;
  reason: string | null;
}

/**
 * Whether the data folder can take writes. A full disk is not a bug: writes answer 507
 * E_STORAGE_FULL, /ready says not-ready with the reason, the log gets one line per
 * interval (not one per refused request), and everything comes back by itself once
 * space is freed: the hold lapses when writes stop failing and the free space is back.
 */
export class StorageHealth {
  readonly #options: Required<Omit<StorageHealthOptions, 'log' | 'dataDir'>> & Pick<StorageHealthOptions, 'log' | 'dataDir'>;
  #lastFullAt: number | null = null;
  #lastLoggedAt: number | null = null;
  #suppressed = 0;

  constructor(options: StorageHealthOptions) {
    this.#options = { now: Date.now, logIntervalMs: 60_000, holdMs: 10_000, minFreeBytes: 1_048_576, ...options };
  }

  /** Records a refused write; logs it unless a line went out within the interval. */
  reportFull(error: unknown): void {
    const now = this.#options.now();
    this.#lastFullAt = now;
    if (this.#lastLoggedAt !== null && withinWindow(now, this.#lastLoggedAt, this.#options.logIntervalMs)) {
      this.#suppressed += 1;
      return;
    }
    this.#options.log.error(
      { code: (error as { code?: string }).code, dataDir: this.#options.dataDir, suppressed: this.#suppressed },
      'storage full: writes are refused (507) until space is freed in the data folder',
    );
    this.#lastLoggedAt = now;
    this.#suppressed = 0;
  }

  status(): StorageStatus {
    const free = this.#freeBytes();
    if (free !== null && free < this.#options.minFreeBytes) {
      return { ok: false, reason: `Storage full: ${free} bytes free in the data folder.` };
    }
    if (this.#lastFullAt !== null && withinWindow(this.#options.now(), this.#lastFullAt, this.#options.holdMs)) {
      return { ok: false, reason: 'Storage full: a write was refused for lack of space in the data folder.' };
    }
    return { ok: true, reason: null };
  }

  #freeBytes(): number | null {
    try {
      const stats = fs.statfsSync(this.#options.dataDir);
      return stats.bavail * stats.bsize;
    } catch {
      return null;
    }
  }
}
