import type { ServerContext } from '../context.ts';
import type { Feature } from '../core/feature.ts';
import { apiKeyRoutes } from './routes.ts';
import { ApiKeyService } from './service.ts';
import { ApiKeyStore } from './store.ts';
import type { CredentialState } from '../auth/credential-state.ts';

/** API keys for scripts and integrations: each acts for its owner, no higher than their role. */
export function createApiKeysFeature(ctx: ServerContext, credentials?: CredentialState): Feature<ApiKeyService> {
  // On the shared query layer; the owner is read with the key (a join), so no users port is needed.
  const apiKeys = new ApiKeyService(new ApiKeyStore(ctx.sql, ctx.now), ctx.now, credentials);
  return {
    service: apiKeys,
    plugin: async (app) => {
      await app.register(apiKeyRoutes, { ctx, apiKeys });
    },
  };
}
