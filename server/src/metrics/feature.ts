import type { Registry } from 'prom-client';
import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { startMetricsJobs } from './jobs.ts';
import { metricsRoutes } from './routes.ts';
import { MetricsService } from './service.ts';

export interface MetricsDeps {
  /** Where the store's own Prometheus metrics are registered. */
  registry?: Registry;
  /** Prometheus exposition endpoints to scrape (`SMARTCLOUDOPS_SCRAPE_TARGETS`). */
  scrapeTargets?: readonly string[];
}

/** The metrics feature: the sample store, its API under /metrics and its background jobs while the server runs. */
export function createMetricsFeature(ctx: ServerContext, deps: MetricsDeps = {}): Feature<MetricsService> {
  const metrics = new MetricsService({ db: ctx.db, sql: ctx.sql, events: ctx.events, now: ctx.now, ...(deps.registry ? { registry: deps.registry } : {}) });
  return {
    service: metrics,
    plugin: async (app) => {
      await app.register(metricsRoutes, { metrics, now: ctx.now });
      let stopJobs: (() => void) | undefined;
      app.addHook('onReady', async () => {
        stopJobs = startMetricsJobs(metrics, { collectIntervalSeconds: ctx.config.collectIntervalSeconds, scrapeTargets: deps.scrapeTargets ?? [], scrapeLimits: ctx.config.scrapeLimits, log: ctx.log });
      });
      app.addHook('onClose', async () => {
        stopJobs?.();
        await metrics.close();
      });
    },
  };
}
