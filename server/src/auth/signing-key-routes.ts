import type { FastifyPluginAsync } from 'fastify';
import { signingKeysRoutes as routes } from '../../../shared/api/signing-keys.ts';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import { registerRoutes } from '../http/register-route.ts';
import type { SigningKeyStore } from './signing-keys.ts';

export interface SigningKeyRoutesOptions {
  ctx: ServerContext;
  keys: SigningKeyStore;
}

/**
 * `POST /admin/signing-keys/rotate`: new access tokens are signed with a new key; tokens
 * of the previous keys stay valid until they expire, so nobody is logged out.
 */
export const signingKeyRoutes: FastifyPluginAsync<SigningKeyRoutesOptions> = async (app, { ctx, keys }) => {
  registerRoutes(app, routes, {
    rotate: async (request) => {
      // The key and its audit entry commit together.
      const { kid, createdAt } = await keys.rotate(undefined, (key) => ctx.audit.record({ ...auditActor(request), action: 'signing_key.rotate', target: `kid:${key.kid}`, outcome: 'success' }));
      return { kid, createdAt };
    },
  });
};
