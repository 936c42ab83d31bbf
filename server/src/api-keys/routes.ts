import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ApiKeyIdParamsSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
} from '../../../shared/api/api-keys.ts';
import { hasPermission } from '../../../shared/auth/permissions.ts';
import type { ServerContext } from '../context.ts';
import { principalOf } from '../http/access.ts';
import { auditActor } from '../audit/actor.ts';
import type { Principal } from '../auth/principal.ts';
import type { ApiKeyService } from './service.ts';

export interface ApiKeyRoutesOptions {
  ctx: ServerContext;
  apiKeys: ApiKeyService;
}

const managesAll = (principal: Principal) => hasPermission(principal.role, 'apikeys:manage', principal.scopes);

/** Every user manages their own keys; `apikeys:manage` (admin) sees and revokes all. */
export const apiKeyRoutes: FastifyPluginAsync<ApiKeyRoutesOptions> = async (fastify, { ctx, apiKeys }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api-keys', {
    config: { access: 'authenticated' },
    schema: { tags: ['api-keys'], body: CreateApiKeyRequestSchema, response: { 201: CreatedApiKeySchema } },
  }, async (request, reply) => {
    try {
      const created = apiKeys.create(principalOf(request), request.body);
      ctx.audit.record({ ...auditActor(request), action: 'apikey.create', target: `apikey:${created.key.id}`, outcome: 'success', details: { name: created.key.name, role: created.key.role, scopes: created.key.scopes } });
      return reply.status(201).send(created);
    } catch (error) {
      ctx.audit.record({ ...auditActor(request), action: 'apikey.create', outcome: 'denied', details: { name: request.body.name, message: (error as Error).message } });
      throw error;
    }
  });

  app.get('/api-keys', {
    config: { access: 'authenticated' },
    schema: { tags: ['api-keys'], response: { 200: ApiKeyListSchema } },
  }, async (request) => {
    const principal = principalOf(request);
    return { keys: apiKeys.visibleTo(principal, managesAll(principal)) };
  });

  app.delete('/api-keys/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['api-keys'], params: ApiKeyIdParamsSchema, response: { 200: ApiKeySchema } },
  }, async (request) => {
    const principal = principalOf(request);
    const key = apiKeys.revoke(principal, request.params.id, managesAll(principal));
    ctx.audit.record({ ...auditActor(request), action: 'apikey.revoke', target: `apikey:${key.id}`, outcome: 'success', details: { name: key.name, owner: key.ownerUsername } });
    return key;
  });
};
