import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LoginRequestSchema, TokenPairSchema, UserSchema } from '../../../shared/api/auth.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import type { AuthService } from './service.ts';
import { principalOf } from '../http/access.ts';
import type { UserStore } from '../users/store.ts';
import { publicUser } from '../users/store.ts';

const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });

export interface AuthRoutesOptions {
  ctx: ServerContext;
  auth: AuthService;
  users: UserStore;
}

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (fastify, { ctx, auth, users }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], body: LoginRequestSchema, response: { 200: TokenPairSchema } },
  }, async (request) => {
    const { username, password } = request.body;
    try {
      const pair = await auth.login(username, password);
      ctx.audit.record({ actor: pair.user.username, actorKind: 'user', action: 'auth.login', outcome: 'success', ip: request.ip });
      return pair;
    } catch (error) {
      ctx.audit.record({ actor: username, actorKind: 'anonymous', action: 'auth.login', outcome: 'failure', ip: request.ip, details: { code: (error as AppError).code } });
      throw error;
    }
  });

  app.post('/auth/refresh', {
    config: { access: 'public' },
    schema: { tags: ['auth'], body: RefreshBody, response: { 200: TokenPairSchema } },
  }, async (request) => {
    try {
      return await auth.refresh(request.body.refreshToken);
    } catch (error) {
      ctx.audit.record({ actor: null, actorKind: 'anonymous', action: 'auth.refresh', outcome: 'failure', ip: request.ip, details: { code: (error as AppError).code, message: (error as Error).message } });
      throw error;
    }
  });

  app.post('/auth/logout', {
    config: { access: 'public' },
    schema: { tags: ['auth'], body: RefreshBody, response: { 204: Type.Null() } },
  }, async (request, reply) => {
    auth.logout(request.body.refreshToken);
    ctx.audit.record({ actor: null, actorKind: 'anonymous', action: 'auth.logout', outcome: 'success', ip: request.ip });
    return reply.status(204).send(null);
  });

  app.get('/auth/me', {
    config: { access: 'authenticated', allowPendingPasswordChange: true },
    schema: { tags: ['auth'], response: { 200: UserSchema } },
  }, async (request) => {
    const user = users.byId(principalOf(request).userId);
    if (!user) throw new AppError('E_NOT_FOUND');
    return publicUser(user);
  });
};
