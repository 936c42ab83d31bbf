import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RuleInputSchema, RuleSchema } from '../../../../shared/api/alerts.ts';
import { AppError } from '../../../../shared/errors.ts';
import { parseSelector } from '../../../../shared/metrics/selector.ts';
import { principalOf } from '../../http/access.ts';
import type { AlertsFeature } from '../feature.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

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
export const ruleRoutes: FastifyPluginAsync<{ feature: AlertsFeature }> = async (fastify, { feature }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { rules, evaluator } = feature;
  const tags = ['alert rules'];
  const audit = (request: Parameters<typeof principalOf>[0], action: string, id: number, details?: Record<string, unknown>) => {
    const principal = principalOf(request);
    feature.audit.record({ actor: principal.name, actorKind: principal.kind, action, target: `rule:${id}`, outcome: 'success', ip: request.ip, details });
  };

  app.get('/alert-rules', { config: { access: 'alerts:read' }, schema: { tags, response: { 200: Type.Array(RuleSchema) } } }, async () => rules.list());

  app.get('/alert-rules/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, params: IdParams, response: { 200: RuleSchema } },
  }, async (request) => {
    const rule = rules.byId(request.params.id);
    if (!rule) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
    return rule;
  });

  app.post('/alert-rules', {
    config: { access: 'rules:manage' },
    schema: { tags, body: RuleInputSchema, response: { 201: RuleSchema } },
  }, async (request, reply) => {
    checkSelector(request.body);
    if (rules.byName(request.body.name)) throw new AppError('E_CONFLICT', `A rule named ${request.body.name} exists.`);
    const rule = rules.create(request.body, principalOf(request).name, feature.now());
    audit(request, 'rule.create', rule.id, { ...request.body });
    return reply.status(201).send(rule);
  });

  app.put('/alert-rules/:id', {
    config: { access: 'rules:manage' },
    schema: { tags, params: IdParams, body: RuleInputSchema, response: { 200: RuleSchema } },
  }, async (request) => {
    checkSelector(request.body);
    if (!rules.byId(request.params.id)) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
    const clash = rules.byName(request.body.name);
    if (clash && clash.id !== request.params.id) throw new AppError('E_CONFLICT', `A rule named ${request.body.name} exists.`);
    evaluator?.retire(request.params.id, feature.now());
    rules.replace(request.params.id, request.body, feature.now());
    audit(request, 'rule.update', request.params.id, { ...request.body });
    return rules.byId(request.params.id)!;
  });

  app.delete('/alert-rules/:id', {
    config: { access: 'rules:manage' },
    schema: { tags, params: IdParams, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    if (!rules.byId(request.params.id)) throw new AppError('E_NOT_FOUND', `No rule ${request.params.id}.`);
    evaluator?.retire(request.params.id, feature.now());
    rules.remove(request.params.id);
    audit(request, 'rule.delete', request.params.id);
    return reply.status(204).send(null);
  });
};
