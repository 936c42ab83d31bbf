import { usedBytes, type CacheDb } from './cache-database.ts';
import type { Pins } from './pins.ts';
import type { SampleChunks } from './sample-chunks.ts';

export interface CacheBudget {
  /** Most bytes the cache may use; the oldest unpinned samples go first beyond it. */
  maxBytes: number;
  /** Unpinned data older than this (ms) is dropped. */
  maxAgeMs: number;
}

export interface EvictionReport {
  samplesEvicted: number;
  bytesBefore: number;
  bytesAfter: number;
  /** True when only pinned data is left and it alone exceeds maxBytes. */
  pinnedOverBudget: boolean;
}

/** Slices smaller than this are not worth another pass over every series. */
const MIN_SLICE_MS = 60_000;

/**
 * Keeps the cache within its budget: first the age limit, then, while the file is too
 * big, ever later time slices of the oldest samples, across all series at once so that
 * "oldest" means oldest in time. Samples inside a pinned window are never deleted.
 */
export class BudgetKeeper {
  readonly #db: CacheDb;
  readonly #pins: Pins;
  readonly #chunks: SampleChunks;

  constructor(db: CacheDb, pins: Pins, chunks: SampleChunks) {
    this.#db = db;
    this.#pins = pins;
    this.#chunks = chunks;
  }

  enforce(budget: CacheBudget, now: number): EvictionReport {
    const bytesBefore = usedBytes(this.#db);
    let samplesEvicted = this.#evictSamplesBefore(now - budget.maxAgeMs);
    this.#evictDocumentsBefore(now - budget.maxAgeMs);

    let pinnedOverBudget = false;
    let used = usedBytes(this.#db);
    if (used > budget.maxBytes) {
      const span = this.#chunks.span();
      if (span.lo !== null && span.hi !== null) {
        let cutoff = span.lo;
        let slice = 0;
        while (used > budget.maxBytes && cutoff <= span.hi) {
          // Slice in proportion to the excess, assuming samples spread evenly in time; a slice
          // that freed nothing (all pinned) doubles, so a pinned stretch is crossed in a few steps.
          const share = (used - budget.maxBytes) / used;
          slice = Math.max(MIN_SLICE_MS, Math.ceil((span.hi - cutoff + 1) * share), slice);
          cutoff += slice;
          const evicted = this.#evictSamplesBefore(cutoff);
          samplesEvicted += evicted;
          slice = evicted === 0 ? slice * 2 : 0;
          used = usedBytes(this.#db);
        }
        pinnedOverBudget = used > budget.maxBytes;
      }
    }
    // What the server sent counts too: its alerts and incidents are bounded by nothing else.
    if (used > budget.maxBytes) {
      used = this.#evictDocumentsOverBudget(budget.maxBytes, used);
      pinnedOverBudget = used > budget.maxBytes;
    }
    if (samplesEvicted > 0 || used < bytesBefore) this.#db.pragma('incremental_vacuum');
    return { samplesEvicted, bytesBefore, bytesAfter: usedBytes(this.#db), pinnedOverBudget };
  }

  #evictSamplesBefore(cutoff: number): number {
    const seriesIds = this.#db.prepare('SELECT id FROM series').pluck().all() as number[];
    let deleted = 0;
    this.#db.transaction(() => {
      for (const seriesId of seriesIds) deleted += this.#chunks.deleteBefore(seriesId, cutoff, this.#pins.windowsOf(seriesId));
    })();
    return deleted;
  }

  /**
   * Alerts, incidents, timelines and bundles past the age limit, unless their incident is pinned.
   * Their age is the server's `updatedAt`, or when they were fetched if that is earlier: a server
   * dating a document in the year 275760 must not keep it for ever.
   */
  #evictDocumentsBefore(cutoff: number): number {
    let deleted = 0;
    this.#db.transaction(() => {
      const unpinned = 'NOT IN (SELECT incident_id FROM pins)';
      deleted += this.#db.prepare(`DELETE FROM alerts WHERE MIN(updated_at, fetched_at) < ? AND (incident_id IS NULL OR incident_id ${unpinned})`).run(cutoff).changes;
      deleted += this.#db.prepare(`DELETE FROM incidents WHERE MIN(updated_at, fetched_at) < ? AND id ${unpinned}`).run(cutoff).changes;
      this.#db.prepare(`DELETE FROM timeline_entries WHERE incident_id NOT IN (SELECT id FROM incidents) AND incident_id ${unpinned}`).run();
      deleted += this.#db.prepare(`DELETE FROM incident_exports WHERE fetched_at < ? AND incident_id ${unpinned}`).run(cutoff).changes;
    })();
    return deleted;
  }

  /**
   * Over the size budget with the samples gone as far as they may: the unpinned documents go,
   * in slices of the oldest fetched (as the samples go by time). A server (hostile, or an alert
   * storm of large annotations) otherwise filled the disk past the budget. Returns the bytes used.
   */
  #evictDocumentsOverBudget(maxBytes: number, used: number): number {
    const span = this.#db
      .prepare('SELECT MIN(f) AS lo, MAX(f) AS hi FROM (SELECT fetched_at AS f FROM alerts UNION ALL SELECT fetched_at FROM incidents UNION ALL SELECT fetched_at FROM incident_exports)')
      .get() as { lo: number | null; hi: number | null };
    if (span.lo === null || span.hi === null) return used;
    let cutoff = span.lo;
    let slice = 0;
    while (used > maxBytes && cutoff <= span.hi) {
      const share = (used - maxBytes) / used;
      slice = Math.max(1, Math.ceil((span.hi - cutoff + 1) * share), slice);
      cutoff += slice;
      const deleted = this.#evictDocumentsBefore(cutoff);
      slice = deleted === 0 ? slice * 2 : 0;
      used = usedBytes(this.#db);
    }
    return used;
  }
}
