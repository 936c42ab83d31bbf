import type { FastifyPluginAsync } from 'fastify';
import { alertRulesRoutes as routes } from '../../../../shared/api/alerts.ts';
import { AppError } from '../../../../shared/errors.ts';
import { parseSelector } from '../../../../shared/metrics/selector.ts';
import { principalOf } from '../../http/access.ts';
import { registerRoutes } from '../../http/register-route.ts';
import type { AlertsService } from '../feature.ts';
import { previewRule } from './preview.ts';

function checkSelector(input: { selector?: string | undefined; datasourceId?: number | undefined; expr?: string | undefined }): void {
  // A PromQL rule (docs/datasources.md) names its source and expression instead of a selector.
  if (input.datasourceId !== undefined || input.expr !== undefined) {
    if (input.datasourceId === undefined || input.expr === undefined || input.selector !== undefined) {
      throw new AppError('E_VALIDATION', 'A rule takes either `selector`, or `datasourceId` and `expr` together.');
    }
    return;
  }
  if (input.selector === undefined) throw new AppError('E_VALIDATION', 'A rule needs a `selector` (or `datasourceId` and `expr`).');
  try {
    parseSelector(input.selector);
  } catch (error) {
    throw new AppError('E_VALIDATION', `Invalid selector: ${(error as Error).message}`);
  }
}

/** Threshold rules: anyone who reads alerts may read them; admins manage them. */
export const ruleRoutes: FastifyPluginAsync<{ alerting: AlertsService }> = async (app, { alerting }) => {
  const { rules, evaluator, now } = alerting;
  const audit = (request: Parameters<typeof principalOf>[0], action: string, id: number, details?: Record<string, unknown>) => {
    const principal = principalOf(request);
    alerting.audit.record({ actor: principal.name, actorKind: principal.kind, action, target: `rule:${id}`, outcome: 'success', ip: request.ip, details });
  };

  registerRoutes(app, routes, {
    list: async () => rules.list(),
    get: async (request) => {
      const rule = await rules.byId(request.params.id);
      if (!rule) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
      return rule;
    },
    create: async (request) => {
      checkSelector(request.body);
      // Each change and its audit entry commit together (db/sql/transaction-scope.ts).
      return rules.transaction(null, async (tx) => {
        const rule = await tx.create(request.body, principalOf(request).name, now());
        if (!rule) throw new AppError('E_CONFLICT', `A rule named ${request.body.name} exists.`);
        audit(request, 'rule.create', rule.id, { ...request.body });
        return rule;
      });
    },
    replace: async (request) => {
      checkSelector(request.body);
      if (!(await rules.byId(request.params.id))) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
      const clash = await rules.byName(request.body.name);
      if (clash && clash.id !== request.params.id) throw new AppError('E_CONFLICT', `A rule named ${request.body.name} exists.`);
      await evaluator?.retire(request.params.id, now());
      return rules.transaction(request.params.id, async (tx) => {
        await tx.replace(request.params.id, request.body, now());
        audit(request, 'rule.update', request.params.id, { ...request.body });
        return (await tx.byId(request.params.id))!;
      });
    },
    remove: async (request) => {
      if (!(await rules.byId(request.params.id))) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
      await evaluator?.retire(request.params.id, now());
      await rules.transaction(request.params.id, async (tx) => {
        await tx.remove(request.params.id);
        audit(request, 'rule.delete', request.params.id);
      });
      return null;
    },
    preview: async (request) => {
      const { rule, lookbackSeconds = 3600 } = request.body;
      checkSelector(rule);
      if (rule.selector === undefined) throw new AppError('E_VALIDATION', 'The preview replays selector rules; try a PromQL expression in the explorer.');
      if (!alerting.metrics) throw new AppError('E_NOT_FOUND', 'This server has no metrics store to preview against.');
      return await previewRule({ selector: rule.selector, condition: rule.condition, windowSeconds: rule.windowSeconds ?? 60, forSeconds: rule.forSeconds ?? 0 }, alerting.metrics, now(), lookbackSeconds);
    },
  });
};
