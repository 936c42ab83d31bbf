import { chunkCount } from '../../../shared/metrics/chunk-codec.ts';

/** What the renderer shows during a long backfill; sent as events, relayed over IPC by main. */
export interface SyncProgress {
  /** Series on the server (null until known). */
  seriesTotal: number | null;
  /** Series whose samples have arrived in this run. */
  seriesSeen: number;
  /** Samples written in this run. */
  samples: number;
  samplesPerSecond: number;
  /** Estimated time left, null while there is nothing to base it on. */
  etaMs: number | null;
  done: boolean;
}

/**
 * Estimates how far a backfill is. The export comes in insertion order, which is time
 * order for collected data (every series each interval) and series order for a bulk
 * import (one series after another); the smaller of the two fractions fits both.
 */
export class BackfillEstimator {
  readonly #startedAt: number;
  readonly #seriesSeen = new Set<number>();
  #seriesTotal: number | null = null;
  #samples = 0;
  #oldestTs = Infinity;
  #newestTs = -Infinity;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  set seriesTotal(total: number) {
    this.#seriesTotal = total;
  }

  add(seriesIds: ArrayLike<number>, timestamps: ArrayLike<number>): void {
    for (let i = 0; i < seriesIds.length; i++) this.#seriesSeen.add(seriesIds[i]!);
    for (let i = 0; i < timestamps.length; i++) {
      const ts = timestamps[i]!;
      if (ts < this.#oldestTs) this.#oldestTs = ts;
      if (ts > this.#newestTs) this.#newestTs = ts;
    }
    this.#samples += timestamps.length;
  }

  /** A whole chunk of a series, read from its header only: its count and first timestamp. */
  addChunk(seriesId: number, chunk: Uint8Array): void {
    this.#seriesSeen.add(seriesId);
    // The first timestamp is the chunk's first 64 bits after the header (a big-endian double).
    const ts = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength).getFloat64(4);
    if (ts < this.#oldestTs) this.#oldestTs = ts;
    if (ts > this.#newestTs) this.#newestTs = ts;
    this.#samples += chunkCount(chunk);
  }

  progress(now: number, done: boolean): SyncProgress {
    const elapsed = Math.max(1, now - this.#startedAt);
    const fractions: number[] = [];
    if (this.#seriesTotal) fractions.push(this.#seriesSeen.size / this.#seriesTotal);
    if (this.#startedAt > this.#oldestTs) fractions.push((this.#newestTs - this.#oldestTs) / (this.#startedAt - this.#oldestTs));
    const fraction = Math.min(1, ...fractions);
    const etaMs = done ? 0 : fractions.length > 0 && fraction > 0 ? Math.round((elapsed / fraction) * (1 - fraction)) : null;
    return {
      seriesTotal: this.#seriesTotal,
      seriesSeen: this.#seriesSeen.size,
      samples: this.#samples,
      samplesPerSecond: Math.round((this.#samples * 1000) / elapsed),
      etaMs,
      done,
    };
  }
}
