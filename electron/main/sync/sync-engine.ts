import type { Alert } from '../../../shared/api/alerts.ts';
import { createApiClient, type Transport } from '../../../shared/api/client.ts';
import type { Incident, TimelineEntry } from '../../../shared/api/incidents.ts';
import { withinWindow } from '../../../shared/within-window.ts';
import { AppError, type ErrorBody } from '../../../shared/errors.ts';
import type { CacheBudget, EvictionReport } from '../cache/budget.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { cacheStorageError, isStorageFailure } from '../cache/cache-database.ts';
import type { SyncProgress } from './backfill-progress.ts';
import { METRICS_COLLECTION, pullMetrics, type PullResult } from './metrics-pull.ts';
import type { ReceivedStreamEvent, StreamConnection, StreamSource } from './stream-source.ts';

/** The cursor collection of the live stream (its last event id). */
export const STREAM_COLLECTION = 'stream';

export interface SyncEngineOptions {
  cache: LocalCache;
  transport: Transport;
  stream: StreamSource;
  now?: () => number;
  /** Samples per export page. */
  pageSize?: number;
  budget?: CacheBudget;
  /** Budget checks at most this often (ms); eviction scans every series. */
  budgetIntervalMs?: number;
  /** First and longest wait before retrying a failed pull. */
  retryDelayMs?: { min: number; max: number };
  /** Samples events arrive in bursts; one pull after this quiet delay covers a burst. */
  pullDelayMs?: number;
  /** While the stream is not open (refused, or down while the API answers), pull this often anyway. */
  pollIntervalMs?: number;
  /** The server is not the one the cache mirrored (PullMetricsOptions.onServerReplaced). */
  onServerReplaced?: () => void;
}

export type SyncState = 'stopped' | 'syncing' | 'live' | 'offline';

export interface SyncStatus {
  state: SyncState;
  /** When the cache last caught up with the server: what offline reads report. */
  freshAsOf: number | null;
  lastError: ErrorBody['error'] | null;
}

type Listener<T> = (value: T) => void;

/**
 * Keeps one profile's cache in step with its server. The export cursor is the single
 * source of truth for raw samples: the live stream only says "something new" (and
 * delivers alert, incident and timeline changes directly), each wake-up pulls from the
 * cursor. So a dropped stream, a killed server or a restarted app all resume from the
 * last committed page, with no gap and no duplicate.
 */
export class SyncEngine {
  readonly #options: SyncEngineOptions;
  readonly #now: () => number;
  readonly #progressListeners = new Set<Listener<SyncProgress>>();
  readonly #statusListeners = new Set<Listener<SyncStatus>>();
  #connection: StreamConnection | undefined;
  #state: SyncState = 'stopped';
  #streamOpen = false;
  #lastError: ErrorBody['error'] | null = null;
  #running: Promise<unknown> = Promise.resolve();
  #queued: Promise<PullResult> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pullTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Connections made so far: events of any but the newest are not for this engine any more. */
  #connections = 0;
  #failures = 0;
  /** Stream events in a row the cache could not store (the reconnect's backoff). */
  #storeFailures = 0;
  /** Where to resume when no event was ever stored: just before the first that could not be. */
  #resumeAfter: string | undefined;
  #lastBudgetAt = -Infinity;
  #lastEviction: EvictionReport | undefined;

  constructor(options: SyncEngineOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get status(): SyncStatus {
    return { state: this.#state, freshAsOf: this.#options.cache.cursors.get(METRICS_COLLECTION).caughtUpAt, lastError: this.#lastError };
  }

  get lastEviction(): EvictionReport | undefined {
    return this.#lastEviction;
  }

  onProgress(listener: Listener<SyncProgress>): () => void {
    this.#progressListeners.add(listener);
    return () => this.#progressListeners.delete(listener);
  }

  onStatus(listener: Listener<SyncStatus>): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Connects the live stream (from the stored event id) and backfills from the stored cursor. */
  start(): void {
    if (this.#connection) return;
    this.#setState('syncing');
    const lastEventId = this.#options.cache.cursors.get(STREAM_COLLECTION).cursor ?? this.#resumeAfter ?? null;
    // A connection given up (`#disconnect`) may still deliver what it had read: ignored.
    const connection = ++this.#connections;
    const current = () => connection === this.#connections;
    this.#connection = this.#options.stream.connect(lastEventId, {
      onOpen: () => {
        if (!current()) return;
        this.#streamOpen = true;
        this.#background();
        void this.refreshDocuments().catch(() => {});
      },
      onEvent: (event) => {
        if (current()) this.#onStreamEvent(event);
      },
      onError: (error) => {
        if (!current()) return;
        this.#streamOpen = false;
        if (this.#state !== 'stopped') this.#setState('offline', error);
      },
    });
    this.#pollTimer = setInterval(() => {
      if (!this.#streamOpen) this.#background();
    }, this.#options.pollIntervalMs ?? 30_000);
    this.#background();
  }

  async stop(): Promise<void> {
    this.#disconnect();
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#pullTimer);
    clearTimeout(this.#reconnectTimer);
    this.#retryTimer = undefined;
    this.#reconnectTimer = undefined;
    this.#pullTimer = undefined;
    this.#setState('stopped');
    await this.#running.catch(() => {});
  }

  #disconnect(): void {
    this.#connections++;
    this.#connection?.close();
    this.#connection = undefined;
    this.#streamOpen = false;
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  /**
   * Pulls everything new now. Pulls never overlap: a call while one runs queues exactly
   * one more, which every caller in the meantime shares.
   */
  syncNow(): Promise<PullResult> {
    if (this.#queued) return this.#queued;
    const run = this.#running.catch(() => {}).then(() => {
      this.#queued = undefined;
      return this.#pullOnce();
    });
    this.#queued = run;
    this.#running = run;
    return run;
  }

  /** Recent incidents and alerts from the list endpoints: fills what the stream could not replay. */
  async refreshDocuments(): Promise<void> {
    const { cache } = this.#options;
    const api = createApiClient(this.#options.transport);
    const [incidents, alerts] = await Promise.all([
      api.incidents.list({ query: { sort: 'lastActivityAt', order: 'desc', limit: 100 } }),
      api.alerts.list({ query: { sort: 'updatedAt', order: 'desc', limit: 500 } }),
    ]);
    const at = this.#now();
    cache.db.transaction(() => {
      for (const incident of incidents.items) cache.incidents.putIncident(incident, at);
      for (const alert of alerts.items) cache.incidents.putAlert(alert, at);
    })();
  }

  async #pullOnce(): Promise<PullResult> {
    const { cache, transport } = this.#options;
    try {
      const result = await pullMetrics({
        cache,
        transport,
        now: this.#now,
        pageSize: this.#options.pageSize ?? 50_000,
        onProgress: (progress) => this.#progressListeners.forEach((listener) => listener(progress)),
        ...(this.#options.onServerReplaced ? { onServerReplaced: this.#options.onServerReplaced } : {}),
      });
      this.#failures = 0;
      this.#lastError = null;
      if (this.#state !== 'stopped') this.#setState(this.#streamOpen ? 'live' : 'syncing');
      this.#keepBudget();
      return result;
    } catch (error) {
      const appError = error instanceof AppError ? error : isStorageFailure(error) ? cacheStorageError(error) : new AppError('E_INTERNAL', error instanceof Error ? error.message : String(error));
      if (this.#state !== 'stopped') {
        this.#setState('offline', appError);
        this.#scheduleRetry();
      }
      throw appError;
    }
  }

  #keepBudget(): void {
    const budget = this.#options.budget;
    if (!budget || withinWindow(this.#now(), this.#lastBudgetAt, this.#options.budgetIntervalMs ?? 60_000)) return;
    this.#lastBudgetAt = this.#now();
    this.#lastEviction = this.#options.cache.budget.enforce(budget, this.#now());
  }

  #onStreamEvent(event: ReceivedStreamEvent): void {
    const { cache } = this.#options;
    const at = this.#now();
    try {
      cache.db.transaction(() => {
        if (event.type === 'alert') cache.incidents.putAlert((event.data as { alert: Alert }).alert, at);
        else if (event.type === 'incident') cache.incidents.putIncident((event.data as { incident: Incident }).incident, at);
        else if (event.type === 'timeline') cache.incidents.putTimelineEntry(event.data as TimelineEntry);
        if (event.id) cache.cursors.setCursor(STREAM_COLLECTION, event.id);
      })();
      this.#storeFailures = 0;
      this.#resumeAfter = undefined;
    } catch (error) {
      // The cache cannot be written now (disk full, locked by another process): the event
      // must not be skipped, or its incident change would be missing for good.
      if (isStorageFailure(error)) {
        // With nothing stored yet the stream would start from "now" again: resume just before
        // this event (ids are the server's increasing integers, docs/metrics.md).
        if (cache.cursors.get(STREAM_COLLECTION).cursor === null && this.#resumeAfter === undefined && /^\d+$/.test(event.id)) this.#resumeAfter = String(BigInt(event.id) - 1n);
        return this.#reconnectLater(cacheStorageError(error));
      }
      // A document this version cannot store (a newer server's shape): skip it rather than
      // stall the stream; the list refresh on the next connection brings what it can.
      if (event.id) cache.cursors.setCursor(STREAM_COLLECTION, event.id);
    }
    if (event.type === 'samples') this.#schedulePull();
    if (event.type === 'reset') {
      this.#background();
      void this.refreshDocuments().catch(() => {});
    }
  }

  /**
   * Drops the stream and connects again later from the last event id the cache stored, so
   * the server replays every event from the one that could not be stored (its event log
   * keeps an hour). Backs off like a failed pull while the cache stays unwritable.
   */
  #reconnectLater(error: AppError): void {
    this.#disconnect();
    if (this.#state === 'stopped') return;
    this.#setState('offline', error);
    if (this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#state !== 'stopped') this.start();
    }, this.#backoff(this.#storeFailures++));
  }

  #schedulePull(): void {
    if (this.#pullTimer) return;
    this.#pullTimer = setTimeout(() => {
      this.#pullTimer = undefined;
      this.#background();
    }, this.#options.pullDelayMs ?? 200);
  }

  #scheduleRetry(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#background();
    }, this.#backoff(this.#failures++));
  }

  /** The wait before the next try after `failures` failures in a row: doubling from the least to the longest. */
  #backoff(failures: number): number {
    const { min, max } = this.#options.retryDelayMs ?? { min: 500, max: 15_000 };
    return Math.min(max, min * 2 ** failures);
  }

  /** A pull whose failure is already reported through the status and retried. */
  #background(): void {
    if (this.#state === 'stopped') return;
    this.syncNow().catch(() => {});
  }

  #setState(state: SyncState, error?: AppError): void {
    this.#state = state;
    if (error) this.#lastError = error.toBody().error;
    const status = this.status;
    this.#statusListeners.forEach((listener) => listener(status));
  }
}
