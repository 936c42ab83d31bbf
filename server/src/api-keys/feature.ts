import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import type { UserStore } from '../users/store.ts';
import { apiKeyRoutes } from './routes.ts';
import { ApiKeyService } from './service.ts';
import { ApiKeyStore } from './store.ts';

/** API keys for scripts and integrations: each acts for its owner, no higher than their role. */
export function createApiKeysFeature(ctx: ServerContext, deps: { users: UserStore }): Feature<ApiKeyService> {
  const apiKeys = new ApiKeyService(new ApiKeyStore(ctx.db, ctx.now), deps.users, ctx.now);
  return {
    service: apiKeys,
    plugin: async (app) => {
      await app.register(apiKeyRoutes, { ctx, apiKeys });
    },
  };
}
