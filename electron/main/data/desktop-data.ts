import path from 'node:path';
import type { Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ScoreOutput } from '../../../shared/scoring/protocol.ts';
import type { CacheBudget } from '../cache/budget.ts';
import { CacheSchemaError, usedBytes } from '../cache/cache-database.ts';
import { openLocalCache, type LocalCache } from '../cache/local-cache.ts';
import { cacheOpenFailure } from '../cache/open-failure.ts';
import type { Pin } from '../cache/pins.ts';
import { exportCapsule } from '../capsule/capsule-export.ts';
import { importCapsule, type ImportedCapsule } from '../capsule/capsule-import.ts';
import { keepIncidentOffline, releaseIncident, type KeepOfflineOptions } from '../offline/keep-offline.ts';
import { OfflineReads } from '../offline/offline-reads.ts';
import { readPinnedSeries } from '../offline/pinned-series.ts';
import { followServerAddress } from '../offline/server-address.ts';
import { retireReplacedServer } from '../offline/server-replaced.ts';
import type { PinnedSeries } from '../../../shared/ipc/channels/cache.ts';
import type { ScoreCallOptions, ScoringClient } from '../scoring/scoring-client.ts';
import { scoreCachedSeries, type ScoreCachedSeriesRequest } from '../scoring/score-cached-series.ts';
import { SyncEngine, type SyncStatus } from '../sync/sync-engine.ts';
import type { StreamSource } from '../sync/stream-source.ts';

/** An on-call laptop: a few weeks of raw samples, at most 1 GiB. */
export const DEFAULT_BUDGET: CacheBudget = { maxBytes: 1_073_741_824, maxAgeMs: 14 * 86_400_000 };

export interface DesktopDataOptions {
  /** This profile's cache, e.g. `<userData>/cache/<profileId>.db`. */
  cacheFile: string;
  /** Where opened capsules go, e.g. `<userData>/cache/capsules.db`: never mixed with a server's ids. */
  capsuleCacheFile: string;
  transport: Transport;
  stream: StreamSource;
  scoring: ScoringClient;
  budget?: CacheBudget;
  now?: () => number;
  /** The server was found replaced and its documents retired: the kept-offline incidents moved to the capsules cache. */
  onServerReplaced?: (movedIncidentIds: number[]) => void;
  /** The profile's server address now: a cache that mirrored another address starts over (`followServer`). */
  serverUrl?: () => string | undefined;
}

export interface CacheStatus {
  sync: SyncStatus;
  usedBytes: number;
  samples: number;
  pins: Pin[];
}

const SCORING_BASELINE_MS = 86_400_000;

/** Capsule contents are read as if the server were unreachable: always from their cache. */
const noServer: Transport = () => Promise.reject(new AppError('E_NETWORK', 'Capsules are read without a server.'));

/**
 * The data half of the desktop for the selected server profile: cache, sync engine,
 * offline reads, keep-offline, capsules and scoring, composed once so that main's IPC
 * handlers only translate calls. Switching profiles closes one and opens another.
 */
export class DesktopData {
  readonly cache: LocalCache;
  readonly engine: SyncEngine;
  readonly reads: OfflineReads;
  readonly #options: DesktopDataOptions;
  readonly #now: () => number;
  #opened: { cache: LocalCache; reads: OfflineReads } | undefined;
  #scoring: Promise<void> = Promise.resolve();

  constructor(options: DesktopDataOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.cache = openProfileCache(options.cacheFile);
    this.engine = new SyncEngine({
      cache: this.cache,
      transport: options.transport,
      stream: options.stream,
      budget: options.budget ?? DEFAULT_BUDGET,
      now: this.#now,
      // Its kept-offline incidents move to the capsules cache; the rest of what it mirrored goes.
      onServerReplaced: () => options.onServerReplaced?.(retireReplacedServer(this.cache, () => this.#capsules().cache, this.#now)),
    });
    this.reads = new OfflineReads({ transport: options.transport, cache: this.cache, now: this.#now });
    this.followServer();
  }

  /**
   * Checks the cache mirrors the profile's address (at opening, and when main sees the address
   * change): what another address's server left is retired before anything reads it.
   */
  followServer(): void {
    const address = this.#options.serverUrl?.();
    if (address === undefined) return;
    const moved = followServerAddress(this.cache, address, () => retireReplacedServer(this.cache, () => this.#capsules().cache, this.#now));
    if (moved !== null) this.#options.onServerReplaced?.(moved);
  }

  start(): void {
    this.engine.start();
  }

  async close(): Promise<void> {
    await this.engine.stop();
    await this.#scoring;
    this.cache.close();
    this.#opened?.cache.close();
    this.#opened = undefined;
  }

  status(): CacheStatus {
    return { sync: this.engine.status, usedBytes: usedBytes(this.cache.db), samples: this.cache.metrics.sampleCount(), pins: this.cache.pins.list() };
  }

  /** Pins the incident, then scores its series in the background so a capsule carries the scores. */
  async keepOffline(incidentId: number, options: KeepOfflineOptions = {}): Promise<Pin> {
    const pin = await keepIncidentOffline({ transport: this.#options.transport, cache: this.cache, now: this.#now }, incidentId, options);
    this.#scoring = this.#scoring.then(() => this.#scorePinned(pin));
    return pin;
  }

  /** Resolves when the background scoring of pinned incidents has finished. */
  scoringSettled(): Promise<void> {
    return this.#scoring;
  }

  release(incidentId: number): void {
    releaseIncident(this.cache, incidentId);
  }

  exportCapsule(incidentId: number, file: string): void {
    exportCapsule(this.cache, incidentId, file, this.#now);
  }

  importCapsule(file: string): ImportedCapsule {
    return importCapsule(this.#capsules().cache, file);
  }

  /** Reads of opened capsules: the same shapes as a profile's, always `source: 'cache'`. */
  get capsuleReads(): OfflineReads {
    return this.#capsules().reads;
  }

  /** A kept-offline incident's series with local scores, from this profile's cache or the opened capsules'. */
  pinnedSeries(incidentId: number, origin: 'profile' | 'capsules' = 'profile'): PinnedSeries {
    return readPinnedSeries(origin === 'capsules' ? this.#capsules().cache : this.cache, incidentId);
  }

  scoreSeries(request: ScoreCachedSeriesRequest, options: ScoreCallOptions = {}): Promise<ScoreOutput> {
    return scoreCachedSeries(this.cache.metrics, this.#options.scoring, request, options);
  }

  /**
   * The detector needs a baseline before it scores, so each series is scored from a day
   * before the window. Failures (a crashed worker) are already reported by the client;
   * the scores can be computed again on demand.
   */
  async #scorePinned(pin: Pin): Promise<void> {
    for (const seriesId of pin.seriesIds) {
      await this.scoreSeries({ seriesId, fromTs: pin.fromTs - SCORING_BASELINE_MS, toTs: pin.toTs }).catch(() => undefined);
    }
  }

  /** Opened on first use: most sessions never open a capsule. */
  #capsules(): { cache: LocalCache; reads: OfflineReads } {
    if (!this.#opened) {
      const cache = openLocalCache(this.#options.capsuleCacheFile);
      this.#opened = { cache, reads: new OfflineReads({ transport: noServer, cache, now: this.#now }) };
    }
    return this.#opened;
  }
}

/**
 * The profile's cache, or an error the console can show: a file from a newer app says so;
 * a full disk or a folder that cannot be written says what to do; anything else gives its
 * code, never its text (it carries paths).
 */
function openProfileCache(file: string): LocalCache {
  try {
    return openLocalCache(file);
  } catch (error) {
    if (error instanceof CacheSchemaError) throw new AppError('E_INTERNAL', `${error.message} Update the app to read it.`, { reason: 'newer-schema' });
    throw cacheOpenFailure(error, path.dirname(file));
  }
}
