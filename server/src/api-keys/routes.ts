import type { FastifyPluginAsync } from 'fastify';
import { apiKeysRoutes as routes } from '../../../shared/api/api-keys.ts';
import { hasPermission } from '../../../shared/auth/permissions.ts';
import type { ServerContext } from '../context.ts';
import { principalOf } from '../http/access.ts';
import { registerRoutes } from '../http/register-route.ts';
import { auditActor } from '../audit/actor.ts';
import { transaction } from '../db/sql/transaction-scope.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiKeyService } from './service.ts';

export interface ApiKeyRoutesOptions {
  ctx: ServerContext;
  apiKeys: ApiKeyService;
}

const managesAll = (principal: Principal) => hasPermission(principal.role, 'apikeys:manage', principal.scopes);

/** Every user manages their own keys; `apikeys:manage` (admin) sees and revokes all. */
export const apiKeyRoutes: FastifyPluginAsync<ApiKeyRoutesOptions> = async (app, { ctx, apiKeys }) => {
  registerRoutes(app, routes, {
    create: async (request) => {
      try {
        // The key and its entry commit together (db/sql/transaction-scope.ts).
        return await transaction(ctx.sql, async () => {
          const created = await apiKeys.create(principalOf(request), request.body);
          ctx.audit.record({ ...auditActor(request), action: 'apikey.create', target: `apikey:${created.key.id}`, outcome: 'success', details: { name: created.key.name, role: created.key.role, scopes: created.key.scopes } });
          return created;
        });
      } catch (error) {
        ctx.audit.record({ ...auditActor(request), action: 'apikey.create', outcome: 'denied', details: { name: request.body.name, message: (error as Error).message } });
        throw error;
      }
    },

    list: async (request) => {
      const principal = principalOf(request);
      return { keys: await apiKeys.visibleTo(principal, managesAll(principal)) };
    },

    revoke: async (request) => {
      const principal = principalOf(request);
      return transaction(ctx.sql, async () => {
        const key = await apiKeys.revoke(principal, request.params.id, managesAll(principal));
        ctx.audit.record({ ...auditActor(request), action: 'apikey.revoke', target: `apikey:${key.id}`, outcome: 'success', details: { name: key.name, owner: key.ownerUsername } });
        return key;
      });
    },
  });
};
