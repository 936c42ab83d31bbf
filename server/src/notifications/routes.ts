import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { WebhookDeliverySchema, WebhookInputSchema, WebhookSchema } from '../../../shared/api/alerts.ts';
import { AppError } from '../../../shared/errors.ts';
import { principalOf } from '../http/access.ts';
import type { AlertsFeature } from '../alerts/feature.ts';
import { OffsetSchema } from '../../../shared/api/numbers.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(OffsetSchema),
});

/** Outbound webhooks and their delivery log: admins only (URLs can carry secrets). */
export const webhookRoutes: FastifyPluginAsync<{ feature: AlertsFeature }> = async (fastify, { feature }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { webhooks } = feature;
  const tags = ['webhooks'];
  const audit = (request: Parameters<typeof principalOf>[0], action: string, id: number, details?: Record<string, unknown>) => {
    const principal = principalOf(request);
    feature.audit.record({ actor: principal.name, actorKind: principal.kind, action, target: `webhook:${id}`, outcome: 'success', ip: request.ip, details });
  };
  const requireHook = (id: number) => {
    const hook = webhooks.byId(id);
    if (!hook) throw new AppError('E_NOT_FOUND', `No webhook ${id}.`);
    return hook;
  };
  const uniqueName = (name: string, id?: number) => {
    const clash = webhooks.list().find((hook) => hook.name === name);
    if (clash && clash.id !== id) throw new AppError('E_CONFLICT', `A webhook named ${name} exists.`);
  };

  app.get('/webhooks', { config: { access: 'webhooks:manage' }, schema: { tags, response: { 200: Type.Array(WebhookSchema) } } }, async () => webhooks.list());

  app.get('/webhooks/:id', {
    config: { access: 'webhooks:manage' },
    schema: { tags, params: IdParams, response: { 200: WebhookSchema } },
  }, async (request) => requireHook(request.params.id));

  app.post('/webhooks', {
    config: { access: 'webhooks:manage' },
    schema: { tags, body: WebhookInputSchema, response: { 201: WebhookSchema } },
  }, async (request, reply) => {
    uniqueName(request.body.name);
    const hook = webhooks.create(request.body, principalOf(request).name, feature.now());
    audit(request, 'webhook.create', hook.id, { name: hook.name, format: hook.format, minSeverity: hook.minSeverity });
    return reply.status(201).send(hook);
  });

  app.put('/webhooks/:id', {
    config: { access: 'webhooks:manage' },
    schema: { tags, params: IdParams, body: WebhookInputSchema, response: { 200: WebhookSchema } },
  }, async (request) => {
    requireHook(request.params.id);
    uniqueName(request.body.name, request.params.id);
    const hook = webhooks.update(request.params.id, request.body, feature.now())!;
    audit(request, 'webhook.update', hook.id, { name: hook.name, format: hook.format, minSeverity: hook.minSeverity, enabled: hook.enabled });
    return hook;
  });

  app.delete('/webhooks/:id', {
    config: { access: 'webhooks:manage' },
    schema: { tags, params: IdParams, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    requireHook(request.params.id);
    webhooks.remove(request.params.id);
    audit(request, 'webhook.delete', request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/webhooks/:id/deliveries', {
    config: { access: 'webhooks:manage' },
    schema: { tags, params: IdParams, querystring: PageQuery, response: { 200: Type.Object({ items: Type.Array(WebhookDeliverySchema), total: Type.Integer() }) } },
  }, async (request) => {
    requireHook(request.params.id);
    return webhooks.deliveries(request.params.id, request.query.limit, request.query.offset);
  });
};
