import type { FastifyPluginAsync } from 'fastify';
import type { ServerContext } from '../context.ts';
import type { AnomalyMetrics } from './metrics-port.ts';
import { ScoringPool } from './pool.ts';
import { ModelRegistry } from './registry.ts';
import { anomalyRoutes } from './routes.ts';
import { AnomalyService, DEFAULT_ANOMALY_SETTINGS, type AnomalySettings } from './service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The anomaly detection service, for other features and tests. */
    anomaly: AnomalyService;
  }
}

export interface AnomalyFeature {
  service: AnomalyService;
  registry: ModelRegistry;
  pool: ScoringPool;
  metrics: AnomalyMetrics;
}

/** Built by the server (so other features and tests can reach the service); the plugin runs it. */
export function createAnomalyFeature(ctx: ServerContext, metrics: AnomalyMetrics, settings: Partial<AnomalySettings> = {}): AnomalyFeature {
  const merged = { ...DEFAULT_ANOMALY_SETTINGS, ...settings };
  const registry = new ModelRegistry(ctx.db, ctx.now);
  const pool = new ScoringPool(merged.workers, (id) => registry.bytesOf(id));
  return { registry, pool, metrics, service: new AnomalyService(ctx, registry, pool, merged, metrics) };
}

/** Anomaly detection: per-target models, worker-pool scoring, the model registry and its API. */
export const anomalyPlugin: FastifyPluginAsync<{ ctx: ServerContext; feature: AnomalyFeature }> = async (app, { ctx, feature }) => {
  feature.service.start();
  app.addHook('onClose', async () => {
    await feature.service.stop();
    await feature.pool.close();
  });
  await app.register(anomalyRoutes, { ctx, service: feature.service, registry: feature.registry, metrics: feature.metrics });
};
