import { LRUCache } from 'lru-cache';
import { Counter, type Registry } from 'prom-client';
import type { SeriesColumns } from './range-query.ts';

interface Entry {
  seriesId: number;
  /** Earliest and latest sample time that can change this answer. */
  coverFrom: number;
  coverTo: number;
  points: SeriesColumns;
  /** Whether the answer was asked for again after it was stored. */
  read: boolean;
}

export interface QueryCacheStats {
  hits: number;
  misses: number;
  invalidations: number;
  entries: number;
  points: number;
}

export interface QueryCacheOptions {
  /** Most points held over all entries. */
  maxPoints?: number;
  /** Most bytes held over all entries (points and keys), whichever limit is reached first. */
  maxBytes?: number;
  registry?: Registry;
}

/**
 * 16 MiB: a million points, 500 answers of 2,000 points (a few dashboards' worth). It was
 * 64 MiB; a stream of distinct queries (a benchmark, a user scrolling through a week) filled
 * all of it with answers never asked for again, and the process kept that memory.
 */
const DEFAULT_MAX_BYTES = 16 * 1_048_576;

/**
 * Keys remembered as asked for once: a dashboard's worth of series several times over. A key
 * pushed out is asked for "the first time" again, so its answer is kept from its next ask after that.
 */
const SEEN_KEYS = 4096;

/** Two float64 columns per answer, plus the key and the entry's own bookkeeping. */
const bytesOf = (key: string, entry: Entry) => entry.points.timestamps.length * 16 + key.length * 2 + 256;

/**
 * Hot range-query answers per series, in an LRU bounded by the bytes held (many small
 * answers with long keys count too, not only points).
 * New samples of a series drop only the cached answers whose time range they fall in, so
 * a chart of last week stays cached while the live edge moves.
 */
export class QueryCache {
  readonly #lru: LRUCache<string, Entry>;
  /** Keys per series, to invalidate without scanning the whole cache. */
  readonly #keysBySeries = new Map<number, Set<string>>();
  /**
   * Keys of answers asked for once and not kept (`admit`): the second time a key is asked
   * for, its answer is kept. Only keys, a few hundred bytes each at most.
   */
  readonly #seen = new LRUCache<string, true>({ max: SEEN_KEYS });
  readonly #hitsCounter: Counter | undefined;
  readonly #missesCounter: Counter | undefined;
  #hits = 0;
  #misses = 0;
  #invalidations = 0;
  #points = 0;
  /** Invalidations per series and clears so far: an answer read before one of them is stale. */
  readonly #epochs = new Map<number, number>();
  #clears = 0;

  constructor(options: QueryCacheOptions = {}) {
    this.#lru = new LRUCache<string, Entry>({
      maxSize: Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, (options.maxPoints ?? 4_000_000) * 16),
      sizeCalculation: (entry, key) => bytesOf(key, entry),
      dispose: (entry, key) => {
        this.#points -= entry.points.timestamps.length;
        const keys = this.#keysBySeries.get(entry.seriesId);
        keys?.delete(key);
        if (keys?.size === 0) this.#keysBySeries.delete(entry.seriesId);
      },
    });
    if (options.registry) {
      this.#hitsCounter = new Counter({ name: 'smartcloudops_metrics_query_cache_hits_total', help: 'Range queries answered from the cache (per series)', registers: [options.registry] });
      this.#missesCounter = new Counter({ name: 'smartcloudops_metrics_query_cache_misses_total', help: 'Range queries read from the store (per series)', registers: [options.registry] });
    }
  }

  get(key: string): SeriesColumns | undefined {
    const entry = this.#lru.get(key);
    if (entry) {
      entry.read = true;
      this.#hits++;
      this.#hitsCounter?.inc();
      return entry.points;
    }
    this.#misses++;
    this.#missesCounter?.inc();
    return undefined;
  }

  /**
   * Whether the answer of `key` (a miss) should be kept: not the first time it is asked for,
   * yes from the second. An answer is kept as its own columns (16 bytes a point, made only
   * for the cache), and a stream of distinct queries (a benchmark, a chart whose `from`
   * moves with the clock) never asks for one twice: making its columns was ~5 % of a
   * one-series request's CPU for nothing (docs/benchmarks.md, "Range queries: the chunk read
   * and the cache's admission"). So the first ask only remembers the key; the second is a miss too and keeps
   * the answer; the third is a hit.
   */
  admit(key: string): boolean {
    if (this.#seen.delete(key)) return true;
    this.#seen.set(key, true);
    return false;
  }

  /**
   * Taken before an answer is read from the store: `set` keeps the answer only if no
   * invalidation of its series (or clear) came in while it was read. On PostgreSQL the
   * read is asynchronous and another replica's samples may arrive meanwhile.
   */
  stamp(seriesId: number): string {
    return `${this.#clears}:${this.#epochs.get(seriesId) ?? 0}`;
  }

  set(key: string, seriesId: number, coverFrom: number, coverTo: number, points: SeriesColumns, stamp?: string): void {
    if (stamp !== undefined && stamp !== this.stamp(seriesId)) return;
    const entry = { seriesId, coverFrom, coverTo, points, read: false };
    // An answer larger than the whole cache is not kept (lru-cache would refuse it anyway).
    if (bytesOf(key, entry) > this.#lru.maxSize) return;
    this.#lru.set(key, entry);
    this.#points += points.timestamps.length;
    let keys = this.#keysBySeries.get(seriesId);
    if (!keys) this.#keysBySeries.set(seriesId, (keys = new Set()));
    keys.add(key);
  }

  /** New samples of `seriesId` between `from` and `to` (ms): drop the answers they change. */
  invalidate(seriesId: number, from: number, to: number): void {
    this.#epochs.set(seriesId, (this.#epochs.get(seriesId) ?? 0) + 1);
    const keys = this.#keysBySeries.get(seriesId);
    if (!keys) return;
    for (const key of [...keys]) {
      const entry = this.#lru.peek(key);
      if (entry && entry.coverFrom <= to && entry.coverTo >= from) {
        this.#lru.delete(key);
        this.#invalidations++;
      }
    }
  }

  /** Drops every answer (after retention deleted data, which any of them may show). */
  clear(): void {
    this.#clears++;
    this.#epochs.clear();
    this.#lru.clear();
    this.#keysBySeries.clear();
  }

  /**
   * Drops the answers nobody asked for again, keeping those read at least once, and forgets
   * the keys asked for once (`admit`); returns the
   * bytes let go. Called whenever the server is quiet: a storm of distinct queries (a
   * benchmark, a user scrolling through a week) leaves the cache full of one-off answers
   * (16 MiB at its bound) that the process would otherwise hold for as long as it stays idle.
   * An answer asked for twice while the server was busy stays.
   */
  dropUnread(): number {
    let bytes = 0;
    const unread: string[] = [];
    for (const [key, entry] of this.#lru.entries()) {
      if (entry.read) continue;
      unread.push(key);
      bytes += bytesOf(key, entry);
    }
    for (const key of unread) this.#lru.delete(key);
    // The keys asked for once go too (up to SEEN_KEYS strings, megabytes after a storm of
    // distinct queries, held while idle): after a quiet spell an answer is kept from its
    // second ask again.
    this.#seen.clear();
    return bytes;
  }

  stats(): QueryCacheStats {
    return { hits: this.#hits, misses: this.#misses, invalidations: this.#invalidations, entries: this.#lru.size, points: this.#points };
  }

  /** Bytes held, as the LRU counts them (its bound is on this). */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }
}
