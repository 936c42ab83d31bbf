import { createApiClient, type Transport } from '../../../shared/api/client.ts';
import { AppError } from '../../../shared/errors.ts';
import type { LocalCache } from '../cache/local-cache.ts';
import { ServerIdsChangedError } from '../cache/metric-cache.ts';
import { BackfillEstimator, type SyncProgress } from './backfill-progress.ts';
import { advancingPage, chunksExportPage, columnsExportPage, type SamplePage } from './export-page.ts';

/** The cursor collection of raw samples. */
export const METRICS_COLLECTION = 'metrics';

export interface PullMetricsOptions {
  cache: LocalCache;
  transport: Transport;
  now: () => number;
  /** Samples per export page. */
  pageSize: number;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Told when the server is found not to be the one the cache mirrored, before the sync
   * starts over: the documents of the old server are retired there (offline/server-replaced.ts).
   */
  onServerReplaced?: () => void;
}

export interface PullResult {
  samples: number;
  pages: number;
}

/**
 * Pulls raw samples after the stored cursor until the server has no more. Each page and
 * its cursor commit in one transaction, so a crash or a dropped connection resumes at the
 * last committed page: nothing skipped, and a re-sent page only overwrites the same rows.
 * The next page is requested while the current one is written.
 */
export async function pullMetrics(options: PullMetricsOptions): Promise<PullResult> {
  const { cache, now, pageSize } = options;
  const api = createApiClient(options.transport);
  const estimator = new BackfillEstimator(now());
  // Pages come with the server's chunks as they are stored (`/metrics/export/chunks`); a
  // server from before that route answers 404, and the pull goes on with `/metrics/export`.
  let chunked = true;
  const fetchAnyPage = async (after: string | null): Promise<SamplePage> => {
    const query = { limit: pageSize, ...(after === null ? {} : { after }) };
    if (chunked) {
      try {
        return chunksExportPage(await api.metrics.exportChunks({ query }));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'E_NOT_FOUND')) throw error;
        chunked = false;
      }
    }
    return columnsExportPage(await api.metrics.export({ query }));
  };
  // Every page must move the pull forward (a server that never does would keep it asking).
  const fetchPage = async (after: string | null): Promise<SamplePage> => advancingPage(after, await fetchAnyPage(after));

  const stored = cache.cursors.get(METRICS_COLLECTION).cursor;
  let startedOver = false;
  let next = fetchPage(stored).catch((error: unknown) => {
    if (!(stored !== null && isCursorAhead(error))) throw error;
    options.onServerReplaced?.();
    startOver(cache);
    startedOver = true;
    return fetchPage(null);
  });
  let pages = 0;
  for (;;) {
    const page = await next;
    // Prefetch before writing; the pending request must not reject unobserved if we stop.
    if (page.more) {
      next = fetchPage(page.cursor);
      next.catch(() => {});
    }
    if (pages === 0 && page.more && options.onProgress) {
      const list = await api.metrics.series();
      estimator.seriesTotal = list.series.length;
    }
    try {
      writePage(cache, page, now());
    } catch (error) {
      // A server that took our cursor but names other series under our ids is not the one
      // we synced from (another server at this address, with at least as much data): what
      // it has before that cursor was never pulled, so start from its beginning, once.
      if (!(error instanceof ServerIdsChangedError) || startedOver) throw error;
      options.onServerReplaced?.();
      startOver(cache);
      startedOver = true;
      next = fetchPage(null);
      continue;
    }
    estimator.add(page.seriesIds, page.timestamps);
    for (let i = 0; i < page.chunks.length; i++) estimator.addChunk(page.chunkSeriesIds[i]!, page.chunks[i]!);
    pages++;
    if (page.more || pages > 1) options.onProgress?.(estimator.progress(now(), !page.more));
    if (!page.more) return { samples: estimator.progress(now(), true).samples, pages };
  }
}

/** The server refuses a cursor it never handed out: its data folder is not the one we synced from. */
function isCursorAhead(error: unknown): boolean {
  return error instanceof AppError && error.code === 'E_CONFLICT' && typeof (error.details as { cursor?: unknown } | undefined)?.cursor === 'string';
}

/**
 * Syncs a replaced server from its beginning (it refused our cursor, or names other series
 * under the ids we know). What the cache holds stays (it is true
 * history, and the budget ages it out); only the old server's ids and cursor go.
 */
function startOver(cache: LocalCache): void {
  cache.db.transaction(() => {
    cache.metrics.forgetServerIds();
    cache.cursors.clear(METRICS_COLLECTION);
  })();
}

function writePage(cache: LocalCache, page: SamplePage, at: number): void {
  const { metrics, cursors } = cache;
  cache.db.transaction(() => {
    metrics.upsertSeries(page.series.map((s) => ({ serverId: s.id, name: s.name, labels: s.labels })));
    const localIds = (serverIds: ArrayLike<number>): number[] => {
      const local = new Array<number>(serverIds.length);
      for (let i = 0; i < local.length; i++) {
        const id = metrics.localIdOf(serverIds[i]!);
        if (id === undefined) throw new AppError('E_INTERNAL', `The export page refers to series ${serverIds[i]} without defining it.`);
        local[i] = id;
      }
      return local;
    };
    metrics.insertChunks(localIds(page.chunkSeriesIds), page.chunks);
    metrics.insertSamples(localIds(page.seriesIds), page.timestamps, page.values);
    cursors.setCursor(METRICS_COLLECTION, page.cursor);
    if (!page.more) cursors.markCaughtUp(METRICS_COLLECTION, at);
  })();
}
