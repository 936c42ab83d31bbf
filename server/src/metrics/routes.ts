import type { FastifyPluginAsync } from 'fastify';
import { metricsRoutes as routes } from '../../../shared/api/metrics.ts';
import { SelectorError } from '../../../shared/metrics/selector.ts';
import { buildSelector, featuredSeries } from '../../../shared/metrics/featured-series.ts';
import { AppError } from '../../../shared/errors.ts';
import { JsonBytes, registerRoutes } from '../http/register-route.ts';
import { pointsOf } from './range-query.ts';
import type { MetricsService } from './service.ts';
import type { SeriesRef } from './store.ts';

export interface MetricsRoutesOptions {
  metrics: MetricsService;
  /** The server's clock: where the overview's windows end. */
  now: () => number;
}

/** Series one range query may read; a chart with more lines than this is unreadable anyway. */
const MAX_SERIES_PER_QUERY = 500;
const DEFAULT_MAX_POINTS = 2000;
const DEFAULT_EXPORT_LIMIT = 50_000;

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics, now }) => {
  const select = async (match: string | undefined): Promise<SeriesRef[]> => {
    try {
      return await metrics.findSeries(match);
    } catch (error) {
      if (error instanceof SelectorError) throw new AppError('E_VALIDATION', `Invalid selector: ${error.message}`, { match });
      throw error;
    }
  };

  // A cursor this store never handed out comes from another server or a wiped data folder:
  // the client must start over rather than wait forever for samples that will not come.
  const refuseCursorAhead = async (after: number, given: string | undefined) => {
    const last = await metrics.storage.lastSeq();
    if (after > last) throw new AppError('E_CONFLICT', 'This cursor is ahead of the server\'s data; sync again from the beginning.', { cursor: given, last: String(last) });
  };
  const seriesOf = async (ids: readonly number[]) => {
    const found = await Promise.all([...new Set(ids)].map((id) => metrics.storage.seriesById(id)));
    return found.filter((s) => s !== undefined);
  };

  registerRoutes(app, routes, {
    series: async (request) => ({ series: await select(request.query.match) }),

    range: async (request, reply) => {
      const { match, from, to, step, agg = 'avg', maxPoints = DEFAULT_MAX_POINTS } = request.query;
      if (to < from) throw new AppError('E_VALIDATION', '`to` must not be before `from`.', { from, to });
      const series = await select(match);
      if (series.length > MAX_SERIES_PER_QUERY) {
        throw new AppError('E_VALIDATION', `The selector matches ${series.length} series; narrow it to ${MAX_SERIES_PER_QUERY} or fewer.`, { match });
      }
      const answer = await metrics.queryRangeAnswer(series, { from, to, step, agg, maxPoints });
      void reply.header('x-cache', answer.hits === 0 ? 'miss' : answer.hits === answer.series ? 'hit' : 'partial');
      // Once its last byte is with the kernel, the answer's buffer is written into again by
      // a later answer (answer-buffers.ts); a response that never finishes keeps its own.
      if (answer.release) reply.raw.once('finish', answer.release);
      // Written straight from the columns, on a worker when large (range-pool.ts): the
      // schema serializer over arrays of numbers was most of a large answer's cost.
      return new JsonBytes(answer.json);
    },

    // The overview's first paint in one round trip: the series list and the featured windows.
    overview: async (request) => {
      const { minutes = 15, maxPoints = 300, featured = 6 } = request.query;
      const series = await select(undefined);
      const to = now();
      const from = to - minutes * 60_000;
      const windows = [];
      for (const one of featuredSeries(series, featured)) {
        const match = buildSelector(one.name, one.labels);
        windows.push({ match, series: (await metrics.queryRangeYielding(await select(match), { from, to, agg: 'avg', maxPoints })).map((s) => ({ id: s.id, name: s.name, labels: s.labels, ...pointsOf(s) })) });
      }
      return { series, from, to, windows };
    },

    latest: async (request) => ({
      series: (await metrics.latest(await select(request.query.match))).map((s) => ({ id: s.id, name: s.name, labels: s.labels, ts: s.latest?.ts ?? null, value: s.latest?.value ?? null })),
    }),

    // A full scoring backlog sheds this route with 503 + Retry-After before the body is read (http/load-shedding.ts).
    ingest: async (request) => {
      try {
        return await metrics.ingest(request.body.series);
      } catch (error) {
        // The store refuses what JSON cannot carry but a schema cannot rule out (a non-finite value).
        if (error instanceof RangeError) throw new AppError('E_VALIDATION', error.message);
        throw error;
      }
    },

    export: async (request) => {
      const after = Number(request.query.after ?? '0');
      const limit = request.query.limit ?? DEFAULT_EXPORT_LIMIT;
      await refuseCursorAhead(after, request.query.after);
      // Chunks are exported whole, so a page may run past `limit` by less than one chunk.
      const page = await metrics.storage.exportAfter(after, limit);
      const more = page.more;
      const series = await seriesOf(page.seriesIds);
      const last = page.seqs.at(-1);
      return { series, seriesIds: page.seriesIds, timestamps: page.ts, values: page.values, cursor: String(last ?? after), more };
    },

    exportChunks: async (request) => {
      const after = Number(request.query.after ?? '0');
      await refuseCursorAhead(after, request.query.after);
      const page = await metrics.storage.exportChunks(after, request.query.limit ?? DEFAULT_EXPORT_LIMIT);
      const series = await seriesOf([...page.chunkSeriesIds, ...page.seriesIds]);
      return {
        series,
        chunkSeriesIds: page.chunkSeriesIds,
        chunks: page.chunks.map((data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')),
        seriesIds: page.seriesIds,
        timestamps: page.ts,
        values: page.values,
        cursor: String(page.last),
        more: page.more,
      };
    },

    stats: async () => ({ series: (await metrics.storage.series()).length, cache: metrics.cacheStats() }),
  });
};
