import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ExportQuerySchema,
  ExportResponseSchema,
  IngestRequestSchema,
  IngestResponseSchema,
  LatestResponseSchema,
  MetricsStatsResponseSchema,
  RangeQuerySchema,
  RangeResponseSchema,
  SeriesListQuerySchema,
  SeriesListResponseSchema,
} from '../../../shared/api/metrics.ts';
import { SelectorError } from '../../../shared/metrics/selector.ts';
import { AppError } from '../../../shared/errors.ts';
import type { MetricsService } from './service.ts';
import type { SeriesRef } from './store.ts';

export interface MetricsRoutesOptions {
  metrics: MetricsService;
}

/** Series one range query may read; a chart with more lines than this is unreadable anyway. */
const MAX_SERIES_PER_QUERY = 500;
const INGEST_BODY_LIMIT = 64 * 1_048_576;
const DEFAULT_MAX_POINTS = 2000;
const DEFAULT_EXPORT_LIMIT = 50_000;

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (fastify, { metrics }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const select = (match: string | undefined): SeriesRef[] => {
    try {
      return metrics.findSeries(match);
    } catch (error) {
      if (error instanceof SelectorError) throw new AppError('E_VALIDATION', `Invalid selector: ${error.message}`, { match });
      throw error;
    }
  };

  app.get('/metrics/series', {
    config: { access: 'metrics:read' },
    schema: { tags: ['metrics'], querystring: SeriesListQuerySchema, response: { 200: SeriesListResponseSchema } },
  }, async (request) => ({ series: select(request.query.match) }));

  app.get('/metrics/query_range', {
    config: { access: 'metrics:read' },
    schema: { tags: ['metrics'], querystring: RangeQuerySchema, response: { 200: RangeResponseSchema } },
  }, async (request, reply) => {
    const { match, from, to, step, agg = 'avg', maxPoints = DEFAULT_MAX_POINTS } = request.query;
    if (to < from) throw new AppError('E_VALIDATION', '`to` must not be before `from`.', { from, to });
    const series = select(match);
    if (series.length > MAX_SERIES_PER_QUERY) {
      throw new AppError('E_VALIDATION', `The selector matches ${series.length} series; narrow it to ${MAX_SERIES_PER_QUERY} or fewer.`, { match });
    }
    const result = metrics.queryRange(series, { from, to, step, agg, maxPoints });
    const hits = result.filter((s) => s.cached).length;
    void reply.header('x-cache', hits === 0 ? 'miss' : hits === result.length ? 'hit' : 'partial');
    return { series: result };
  });

  app.get('/metrics/latest', {
    config: { access: 'metrics:read' },
    schema: { tags: ['metrics'], querystring: SeriesListQuerySchema, response: { 200: LatestResponseSchema } },
  }, async (request) => ({
    series: metrics.latest(select(request.query.match)).map((s) => ({ id: s.id, name: s.name, labels: s.labels, ts: s.latest?.ts ?? null, value: s.latest?.value ?? null })),
  }));

  app.post('/metrics/ingest', {
    config: { access: 'metrics:write' },
    bodyLimit: INGEST_BODY_LIMIT,
    schema: { tags: ['metrics'], body: IngestRequestSchema, response: { 200: IngestResponseSchema } },
  }, async (request) => {
    try {
      return metrics.ingest(request.body.series);
    } catch (error) {
      // The store refuses what JSON cannot carry but a schema cannot rule out (a non-finite value).
      if (error instanceof RangeError) throw new AppError('E_VALIDATION', error.message);
      throw error;
    }
  });

  app.get('/metrics/export', {
    config: { access: 'metrics:read' },
    schema: { tags: ['metrics'], querystring: ExportQuerySchema, response: { 200: ExportResponseSchema } },
  }, async (request) => {
    const after = Number(request.query.after ?? '0');
    const limit = request.query.limit ?? DEFAULT_EXPORT_LIMIT;
    // A cursor this store never handed out comes from another server or a wiped data folder:
    // the client must start over rather than wait forever for samples that will not come.
    if (after > metrics.store.lastSeq) {
      throw new AppError('E_CONFLICT', 'This cursor is ahead of the server\'s data; sync again from the beginning.', { cursor: request.query.after, last: String(metrics.store.lastSeq) });
    }
    // One more than asked tells whether another page is waiting.
    const page = metrics.store.exportAfter(after, limit + 1);
    const more = page.seqs.length > limit;
    if (more) for (const column of [page.seqs, page.seriesIds, page.ts, page.values]) column.length = limit;
    const series = [...new Set(page.seriesIds)].map((id) => metrics.store.seriesById(id)).filter((s) => s !== undefined);
    const last = page.seqs.at(-1);
    return { series, seriesIds: page.seriesIds, timestamps: page.ts, values: page.values, cursor: String(last ?? after), more };
  });

  app.get('/metrics/stats', {
    config: { access: 'metrics:read' },
    schema: { tags: ['metrics'], response: { 200: MetricsStatsResponseSchema } },
  }, async () => ({ series: metrics.store.series().length, cache: metrics.cacheStats() }));
};
