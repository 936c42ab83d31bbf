import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import type { AlarmSink } from '../core/alarm-sink.ts';
import { ScoringPool } from './pool.ts';
import { ModelRegistry } from './registry.ts';
import { AnomalyEventStore } from './event-store.ts';
import { TargetProgressStore } from './progress-store.ts';
import { ReplicaBacklogStore } from './backlog-store.ts';
import { anomalyRoutes } from './routes.ts';
import { createWorkClaims } from '../db/sql/work-claims.ts';
import { DEFAULT_SHARE_SYNC_MS, TargetShare } from './target-share.ts';
import { AnomalyService, DEFAULT_ANOMALY_SETTINGS, type AnomalyMetrics, type AnomalySettings } from './service.ts';

/**
 * Anomaly detection: per-target models, worker-pool scoring, the model registry and its
 * API. An anomaly goes to the `alarms` sink (the alerts feature's) before its sample counts
 * as scored, and out as an `anomaly` event on the bus for the live stream.
 */
export function createAnomalyFeature(ctx: ServerContext, metrics: AnomalyMetrics, alarms: AlarmSink, settings: Partial<AnomalySettings> = {}): Feature<AnomalyService> & { registry: ModelRegistry; events: AnomalyEventStore } {
  const merged = { ...DEFAULT_ANOMALY_SETTINGS, ...settings };
  const registry = new ModelRegistry(ctx.sql, ctx.now);
  const events = new AnomalyEventStore(ctx.sql);
  // Several replicas share the targets out: each writes where its targets stand, and its backlog, for the others.
  const cluster = ctx.sql.dialect === 'postgres' ? { progress: new TargetProgressStore(ctx.sql), backlogs: new ReplicaBacklogStore(ctx.sql) } : undefined;
  const pool = new ScoringPool(merged.workers);
  // On PostgreSQL the embedded store's targets are shared out between the live replicas.
  const share = new TargetShare(createWorkClaims(ctx.sql, { name: 'anomaly-targets', timeoutMs: 2 * DEFAULT_SHARE_SYNC_MS, log: ctx.log, replicaId: ctx.replicaId }), { log: ctx.log });
  const service = new AnomalyService(ctx, metrics, { registry, events, alarms, ...(cluster ? { cluster } : {}) }, pool, merged, share);
  return {
    service,
    registry,
    events,
    plugin: async (app) => {
      // A data folder from before pruning keeps every version whole until this first pass.
      await registry.pruneAll();
      await share.start();
      service.start();
      app.addHook('onClose', async () => {
        await service.stop();
        await share.stop();
        await pool.close();
      });
      await app.register(anomalyRoutes, { ctx, service, registry, events, metrics });
    },
  };
}
