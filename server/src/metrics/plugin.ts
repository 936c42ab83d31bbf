import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.ts';
import { startMetricsJobs } from './jobs.ts';
import { metricsRoutes } from './routes.ts';
import type { MetricsService } from './service.ts';

export interface MetricsPluginOptions {
  ctx: ServerContext;
  metrics: MetricsService;
  /** Prometheus exposition endpoints to scrape (`SMARTCLOUDOPS_SCRAPE_TARGETS`). */
  scrapeTargets?: readonly string[];
}

/** The metrics feature: its API under /metrics and its background jobs while the server runs. */
export const metricsPlugin: FastifyPluginAsync<MetricsPluginOptions> = async (app, { ctx, metrics, scrapeTargets = [] }) => {
  await app.register(metricsRoutes, { metrics });
  let stopJobs: (() => void) | undefined;
  app.addHook('onReady', async () => {
    stopJobs = startMetricsJobs(metrics, { collectIntervalSeconds: ctx.config.collectIntervalSeconds, scrapeTargets, log: ctx.log });
  });
  app.addHook('onClose', async () => stopJobs?.());
};
