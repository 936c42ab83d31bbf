import type { FastifyPluginAsync } from 'fastify';
import { webhooksRoutes as routes } from '../../../shared/api/notifications.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { WebhookStore } from './webhook-store.ts';
import { sendTestNotification } from './test-send.ts';

/** Outbound webhooks and their delivery log: admins only (URLs can carry secrets). */
export const webhookRoutes: FastifyPluginAsync<{ ctx: ServerContext; webhooks: WebhookStore; timeoutMs: number }> = async (app, { ctx, webhooks, timeoutMs }) => {
  const audit = (request: Parameters<typeof principalOf>[0], action: string, id: number, details?: Record<string, unknown>) => {
    ctx.audit.record({ ...auditActor(request), action, target: `webhook:${id}`, outcome: 'success', details });
  };
  const requireHook = async (id: number) => {
    const hook = await webhooks.byId(id);
    if (!hook) throw new AppError('E_NOT_FOUND', `No webhook ${id}.`);
    return hook;
  };
  const uniqueName = async (name: string, id?: number) => {
    const clash = (await webhooks.list()).find((hook) => hook.name === name);
    if (clash && clash.id !== id) throw new AppError('E_CONFLICT', `A webhook named ${name} exists.`);
  };

  registerRoutes(app, routes, {
    list: async () => webhooks.list(),
    get: async (request) => requireHook(request.params.id),
    // Each change and its audit entry commit together (db/sql/transaction-scope.ts).
    create: async (request) =>
      transaction(ctx.sql, async () => {
        await uniqueName(request.body.name);
        const hook = await webhooks.create(request.body, principalOf(request).name, ctx.now());
        audit(request, 'webhook.create', hook.id, { name: hook.name, format: hook.format, minSeverity: hook.minSeverity });
        return hook;
      }),
    replace: async (request) =>
      transaction(ctx.sql, async () => {
        await requireHook(request.params.id);
        await uniqueName(request.body.name, request.params.id);
        const hook = (await webhooks.update(request.params.id, request.body, ctx.now()))!;
        audit(request, 'webhook.update', hook.id, { name: hook.name, format: hook.format, minSeverity: hook.minSeverity, enabled: hook.enabled });
        return hook;
      }),
    remove: async (request) =>
      transaction(ctx.sql, async () => {
        await requireHook(request.params.id);
        await webhooks.remove(request.params.id);
        audit(request, 'webhook.delete', request.params.id);
        return null;
      }),
    deliveries: async (request) => {
      await requireHook(request.params.id);
      return webhooks.deliveries(request.params.id, request.query.limit, request.query.offset);
    },
    test: async (request) => {
      const hook = await requireHook(request.params.id);
      const result = await sendTestNotification(hook, ctx.now(), timeoutMs);
      ctx.audit.record({ ...auditActor(request), action: 'webhook.test', target: `webhook:${hook.id}`, outcome: result.ok ? 'success' : 'failure', details: { statusCode: result.statusCode, error: result.error } });
      return result;
    },
  });
};
