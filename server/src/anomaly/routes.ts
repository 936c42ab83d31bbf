import type { FastifyPluginAsync } from 'fastify';
import { anomalyRoutes as routes, type AnomalyEvent, type AnomalyExplanation } from '../../../shared/api/anomaly.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import { unpackText } from '../db/packed-text.ts';
import type { ServerContext } from '../context.ts';
import type { ModelRegistry } from './registry.ts';
import type { AnomalyMetrics, AnomalyService } from './service.ts';

/** Anomaly events for viewers; training, promotion and rollback for admins (models:manage), each audited. */
export const anomalyRoutes: FastifyPluginAsync<{ ctx: ServerContext; service: AnomalyService; registry: ModelRegistry; metrics: AnomalyMetrics }> = async (app, { ctx, service, registry, metrics }) => {
  registerRoutes(app, routes, {
    status: async () => service.status(),

    training: async () => service.training(),

    models: async (request) => registry.list(request.query.target),

    model: async (request) => {
      const model = registry.byId(request.params.id);
      if (!model) throw new AppError('E_NOT_FOUND', `No model ${request.params.id}.`);
      return model;
    },

    train: async (request) => {
      const principal = principalOf(request);
      const model = await service.train(request.body.target, principal.name);
      if (!model) throw new AppError('E_NOT_FOUND', `No samples for target ${request.body.target} yet.`);
      return model;
    },

    promote: async (request) => {
      const principal = principalOf(request);
      const model = registry.byId(request.params.id);
      if (!model) throw new AppError('E_NOT_FOUND', `No model ${request.params.id}.`);
      if (model.state !== 'candidate' && model.state !== 'retired') throw new AppError('E_CONFLICT', `Model ${model.id} is ${model.state}; only a candidate or retired model can be promoted.`);
      if (model.prunedAt) throw new AppError('E_CONFLICT', `Model ${model.id} was pruned (only the active, candidate and latest retired versions keep their model); train a new one instead.`);
      const promoted = registry.promote(model.id);
      ctx.audit.record({ actor: principal.name, actorKind: principal.kind, action: 'anomaly.model.promote', target: `${model.target}#${model.version}`, outcome: 'success', ip: request.ip, details: { modelId: model.id, from: model.state } });
      await service.reload(model.target);
      // The registry answer from before the reload: a model that failed to load is reported by the next read.
      return promoted;
    },

    rollback: async (request) => {
      const principal = principalOf(request);
      const previous = registry.inState(request.body.target, 'active');
      const restored = registry.rollback(request.body.target);
      if (!restored) throw new AppError('E_CONFLICT', `Target ${request.body.target} has no earlier model to roll back to.`);
      ctx.audit.record({ actor: principal.name, actorKind: principal.kind, action: 'anomaly.model.rollback', target: `${restored.target}#${restored.version}`, outcome: 'success', ip: request.ip, details: { modelId: restored.id, replaced: previous?.id ?? null } });
      await service.reload(restored.target);
      return restored;
    },

    rate: async (request) => {
      const { target, from, to } = request.query;
      return metrics.anomalyRate(target, from, to ?? ctx.now(), service.threshold);
    },

    events: async (request) => {
      const { target, from, limit } = request.query;
      const where: string[] = [];
      const args: unknown[] = [];
      if (target) {
        where.push('target = ?');
        args.push(target);
      }
      if (from !== undefined) {
        where.push('ts >= ?');
        args.push(from);
      }
      const rows = ctx.db
        .prepare(`SELECT id, target, ts, model_id AS modelId, score, threshold, summary, explanation FROM anomaly_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts DESC, id DESC LIMIT ?`)
        .all(...args, limit ?? 100) as (Omit<AnomalyEvent, 'explanation'> & { explanation: string | Uint8Array })[];
      return rows.map((r) => ({ ...r, explanation: JSON.parse(unpackText(r.explanation)) as AnomalyExplanation }));
    },
  });
};
