import type { FastifyPluginAsync } from 'fastify';
import { anomalyRoutes as routes } from '../../../shared/api/anomaly.ts';
import { AppError } from '../../../shared/errors.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { ServerContext } from '../context.ts';
import type { ModelRegistry } from './registry.ts';
import type { AnomalyEventStore } from './event-store.ts';
import type { AnomalyMetrics, AnomalyService } from './service.ts';

/** Anomaly events for viewers; training, promotion and rollback for admins (models:manage), each audited. */
export const anomalyRoutes: FastifyPluginAsync<{ ctx: ServerContext; service: AnomalyService; registry: ModelRegistry; events: AnomalyEventStore; metrics: AnomalyMetrics }> = async (
  app,
  { ctx, service, registry, events, metrics },
) => {
  registerRoutes(app, routes, {
    status: async () => service.clusterStatus(),

    training: async () => service.clusterTraining(),

    models: async (request) => await registry.list(request.query.target),

    model: async (request) => {
      const model = await registry.byId(request.params.id);
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
      // The registry's change and its entry commit together; live scoring (this replica's
      // scorers, the others through the event) takes the model up only once they have.
      const { model, promoted } = await transaction(ctx.sql, async () => {
        const model = await registry.byId(request.params.id);
        if (!model) throw new AppError('E_NOT_FOUND', `No model ${request.params.id}.`);
        if (model.state !== 'candidate' && model.state !== 'retired') throw new AppError('E_CONFLICT', `Model ${model.id} is ${model.state}; only a candidate or retired model can be promoted.`);
        if (model.prunedAt) throw new AppError('E_CONFLICT', `Model ${model.id} was pruned (only the active, candidate and latest retired versions keep their model); train a new one instead.`);
        const promoted = await registry.promote(model.id);
        ctx.audit.record({ actor: principal.name, actorKind: principal.kind, action: 'anomaly.model.promote', target: `${model.target}#${model.version}`, outcome: 'success', ip: request.ip, details: { modelId: model.id, from: model.state } });
        return { model, promoted };
      });
      await service.modelChanged({ target: model.target, modelId: model.id, action: 'promoted' });
      // The registry answer from before the reload: a model that failed to load is reported by the next read.
      return promoted;
    },

    rollback: async (request) => {
      const principal = principalOf(request);
      const restored = await transaction(ctx.sql, async () => {
        const previous = await registry.inState(request.body.target, 'active');
        const restored = await registry.rollback(request.body.target);
        if (!restored) throw new AppError('E_CONFLICT', `Target ${request.body.target} has no earlier model to roll back to.`);
        ctx.audit.record({ actor: principal.name, actorKind: principal.kind, action: 'anomaly.model.rollback', target: `${restored.target}#${restored.version}`, outcome: 'success', ip: request.ip, details: { modelId: restored.id, replaced: previous?.id ?? null } });
        return restored;
      });
      await service.modelChanged({ target: restored.target, modelId: restored.id, action: 'rolled_back' });
      return restored;
    },

    rate: async (request) => {
      const { target, from, to } = request.query;
      return metrics.anomalyRate(target, from, to ?? ctx.now(), service.threshold);
    },

    events: async (request) => {
      const { target, from, limit } = request.query;
      return events.list({ ...(target ? { target } : {}), ...(from !== undefined ? { from } : {}), limit: limit ?? 100 });
    },
  });
};
