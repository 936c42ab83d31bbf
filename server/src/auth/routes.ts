import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LoginRequestSchema, TokenPairSchema, UserSchema } from '../../../shared/api/auth.ts';
import { ChangePasswordRequestSchema } from '../../../shared/api/users.ts';
import { AppError } from '../../../shared/errors.ts';
import type { ServerContext } from '../context.ts';
import type { AuthService } from './service.ts';
import { principalOf } from '../http/access.ts';
import { auditActor } from '../audit/actor.ts';
import type { UserStore } from '../users/store.ts';
import type { UserService } from '../users/service.ts';
import { publicUser } from '../users/store.ts';
import type { LoginLockout } from './login-lockout.ts';

const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false });

export interface AuthRoutesOptions {
  ctx: ServerContext;
  auth: AuthService;
  users: UserStore;
  userService: UserService;
  lockout: LoginLockout;
}

export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (fastify, { ctx, auth, users, userService, lockout }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Per client address, before any password work: brute force costs the attacker, not argon2 on our cores.
  const rateLimit = { max: ctx.config.authRateLimitPerMinute, timeWindow: 60_000 };

  app.post('/auth/login', {
    config: { access: 'public', rateLimit },
    schema: { tags: ['auth'], body: LoginRequestSchema, response: { 200: TokenPairSchema } },
  }, async (request) => {
    const { username, password } = request.body;
    const locked = lockout.check(username, request.ip);
    if (locked) {
      ctx.audit.record({ actor: username, actorKind: 'anonymous', action: 'auth.login', outcome: 'denied', ip: request.ip, details: { code: 'E_LOCKED_OUT' } });
      throw Object.assign(new AppError('E_LOCKED_OUT', undefined, { retryAfterSeconds: locked.retryAfterSeconds }), { headers: { 'retry-after': String(locked.retryAfterSeconds) } });
    }
    try {
      const pair = await auth.login(username, password);
      lockout.recordSuccess(username);
      ctx.audit.record({ actor: pair.user.username, actorKind: 'user', action: 'auth.login', outcome: 'success', ip: request.ip });
      return pair;
    } catch (error) {
      ctx.audit.record({ actor: username, actorKind: 'anonymous', action: 'auth.login', outcome: 'failure', ip: request.ip, details: { code: (error as AppError).code } });
      for (const key of lockout.recordFailure(username, request.ip)) {
        ctx.audit.record({ actor: null, actorKind: 'system', action: 'auth.lockout', target: key, outcome: 'success', ip: request.ip, details: { lockoutSeconds: ctx.config.lockoutSeconds } });
      }
      throw error;
    }
  });

  app.post('/auth/refresh', {
    config: { access: 'public', rateLimit },
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
    const username = auth.logout(request.body.refreshToken);
    ctx.audit.record({ actor: username, actorKind: username ? 'user' : 'anonymous', action: 'auth.logout', outcome: username ? 'success' : 'failure', ip: request.ip });
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

  // Ends every session of the user (other devices included) and answers with a fresh one for this client.
  app.post('/auth/password', {
    config: { access: 'authenticated', allowPendingPasswordChange: true },
    schema: { tags: ['auth'], body: ChangePasswordRequestSchema, response: { 200: TokenPairSchema } },
  }, async (request) => {
    const principal = principalOf(request);
    if (principal.kind !== 'user') throw new AppError('E_FORBIDDEN', 'An API key cannot change a password.');
    try {
      await userService.changeOwnPassword(principal.userId, request.body.currentPassword, request.body.newPassword);
    } catch (error) {
      ctx.audit.record({ ...auditActor(request), action: 'auth.password_change', target: `user:${principal.userId}`, outcome: 'failure', details: { message: (error as Error).message } });
      throw error;
    }
    ctx.audit.record({ ...auditActor(request), action: 'auth.password_change', target: `user:${principal.userId}`, outcome: 'success' });
    return auth.startSession(principal.userId);
  });
};
