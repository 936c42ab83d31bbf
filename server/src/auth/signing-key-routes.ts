import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { ServerContext } from '../context.ts';
import { auditActor } from '../audit/actor.ts';
import type { SigningKeyStore } from './signing-keys.ts';

export interface SigningKeyRoutesOptions {
  ctx: ServerContext;
  keys: SigningKeyStore;
}

const RotatedSchema = Type.Object({ kid: Type.String(), createdAt: Type.Integer() });
/** No options today; an explicit empty object keeps stray bodies from being silently accepted. */
const RotateRequestSchema = Type.Object({}, { additionalProperties: false });

/**
 * `POST /admin/signing-keys/rotate`: new access tokens are signed with a new key; tokens
 * of the previous keys stay valid until they expire, so nobody is logged out.
 */
export const signingKeyRoutes: FastifyPluginAsync<SigningKeyRoutesOptions> = async (app, { ctx, keys }) => {
  app.post('/admin/signing-keys/rotate', {
    config: { access: 'security:manage' },
    schema: { tags: ['admin'], body: RotateRequestSchema, response: { 200: RotatedSchema } },
  }, async (request) => {
    const { kid, createdAt } = keys.rotate();
    ctx.audit.record({ ...auditActor(request), action: 'signing_key.rotate', target: `kid:${kid}`, outcome: 'success' });
    return { kid, createdAt };
  });
};
